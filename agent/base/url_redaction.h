#ifndef NYMVISOR_AGENT_BASE_URL_REDACTION_H_
#define NYMVISOR_AGENT_BASE_URL_REDACTION_H_

#include <string>
#include <string_view>

namespace nymvisor {

/// What replaces a URL's password (and a user name given alone, which may
/// be a token): `http://user:***@host/...`, `http://***@host/...`.
inline constexpr std::string_view kRedacted = "***";

/// `url` fit to show: the userinfo before '@' in its authority keeps only
/// the user name, the password becoming "***" (a lone user name, which may
/// be a token, becomes "***" too). Everything else is kept as it is, so the
/// operator still sees the host and path. Never used for the URL fetched.
/// Pure.
std::string RedactUrl(std::string_view url);

/// `text` with every URL in it ("scheme://...") redacted as RedactUrl does:
/// for messages, errors and journal lines that quote a URL. Pure.
std::string RedactUrlsIn(std::string_view text);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_URL_REDACTION_H_
