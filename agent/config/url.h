#ifndef NYMVISOR_AGENT_CONFIG_URL_H_
#define NYMVISOR_AGENT_CONFIG_URL_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// Accepts absolute http:// and https:// URLs with a host (parsed by libcurl's
/// URL API, the same parser that will fetch them).
Status ValidateHttpUrl(std::string_view url);

/// `url` as the original's url crate shows it (and writes it back): scheme
/// and host lower-cased, a bare host given the path "/", "." and ".."
/// segments resolved, the scheme's default port dropped, numeric IPv4 hosts
/// in dotted form. Fetching the result reaches the same resource. Errors as
/// ValidateHttpUrl.
Result<std::string> NormalizeHttpUrl(std::string_view url);

/// A URL the agent asks the node itself (health, build information): an
/// http(s) URL without credentials whose host is loopback (localhost,
/// 127.0.0.0/8, ::1) or an IP address written literally, so a name that DNS
/// resolves elsewhere cannot stand in for the node.
Status ValidateNodeApiUrl(std::string_view url);

/// "<base path without trailing '/'>/<daemon_name>/upgrade-info.json", keeping
/// the base URL's query, as the original derives the upstream URL.
Result<std::string> UpgradeInfoUrlFromBase(std::string_view base, std::string_view daemon_name);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_URL_H_
