#include "agent/base/url_redaction.h"

#include <cctype>

namespace nymvisor {
namespace {

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

/// Where the authority that starts at `from` ends: at the first '/', '?',
/// '#', white space or quote, or the end of the text.
size_t AuthorityEnd(std::string_view text, size_t from) {
  size_t i = from;
  while (i < text.size()) {
    char c = text[i];
    if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
        std::isspace(static_cast<unsigned char>(c))) {
      break;
    }
    ++i;
  }
  return i;
}

/// The authority `host` or `userinfo@host` with its userinfo redacted. The
/// last '@' ends the userinfo, as URL parsers read it.
std::string RedactAuthority(std::string_view authority) {
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(authority);
  std::string_view userinfo = authority.substr(0, at);
  std::string_view host = authority.substr(at + 1);
  size_t colon = userinfo.find(':');
  std::string shown = colon == std::string_view::npos
                          ? std::string(kRedacted)
                          : std::string(userinfo.substr(0, colon)) + ":" + std::string(kRedacted);
  return shown + "@" + std::string(host);
}

}  // namespace

std::string RedactUrlsIn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t done = 0;
  for (size_t sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    size_t scheme = sep;
    while (scheme > done && IsSchemeChar(text[scheme - 1])) --scheme;
    if (scheme == sep) continue;  // "://" without a scheme before it
    size_t start = sep + 3;
    size_t end = AuthorityEnd(text, start);
    out.append(text.substr(done, start - done));
    out += RedactAuthority(text.substr(start, end - start));
    done = end;
    sep = end > 3 ? end - 3 : end;
  }
  out.append(text.substr(done));
  return out;
}

std::string RedactUrl(std::string_view url) { return RedactUrlsIn(url); }

}  // namespace nymvisor
