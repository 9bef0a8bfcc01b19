#include "agent/cli/node_api_plan.h"

#include <cctype>

namespace nymvisor {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// `bind_address = '...'` (or "...") inside [http]; nullopt when absent.
std::optional<std::string> HttpBindAddress(std::string_view toml) {
  bool in_http = false;
  while (!toml.empty()) {
    size_t end = toml.find('\n');
    std::string_view line = Trim(toml.substr(0, end));
    toml = end == std::string_view::npos ? std::string_view() : toml.substr(end + 1);
    if (line.starts_with('[')) {
      in_http = line == "[http]";
      continue;
    }
    if (!in_http || !line.starts_with("bind_address")) continue;
    std::string_view rest = Trim(line.substr(std::string_view("bind_address").size()));
    if (!rest.starts_with('=')) continue;
    rest = Trim(rest.substr(1));
    if (rest.size() < 2 || (rest.front() != '\'' && rest.front() != '"')) return std::nullopt;
    size_t close = rest.find(rest.front(), 1);
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(rest.substr(1, close - 1));
  }
  return std::nullopt;
}

/// The value of `--http-bind-address X` or `--http-bind-address=X`.
std::optional<std::string> BindAddressArgument(const std::vector<std::string>& args) {
  const std::string flag = "--http-bind-address";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
    if (args[i].starts_with(flag + "=")) return args[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> LoopbackBaseFor(std::string_view bind_address) {
  size_t colon = bind_address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = bind_address.substr(0, colon);
  std::string_view port = bind_address.substr(colon + 1);
  if (!AllDigits(port) || port.size() > 5) return std::nullopt;
  std::string base_host(host);
  if (host == "0.0.0.0") base_host = "127.0.0.1";
  if (host == "[::]") base_host = "[::1]";
  return "http://" + base_host + ":" + std::string(port);
}

std::optional<NodeApiUrls> SuggestNodeApiUrls(std::string_view config_toml,
                                              const std::vector<std::string>& args) {
  std::string address = "[::]:8080";
  std::string from = "the default";
  if (std::optional<std::string> arg = BindAddressArgument(args)) {
    address = *arg;
    from = "--http-bind-address";
  } else if (std::optional<std::string> configured = HttpBindAddress(config_toml)) {
    address = *configured;
    from = "[http] bind_address";
  }
  std::optional<std::string> base = LoopbackBaseFor(address);
  if (!base) return std::nullopt;
  return NodeApiUrls{.health = *base + "/api/v1/health",
                     .build_info = *base + "/api/v1/build-information",
                     .from = from};
}

}  // namespace nymvisor
