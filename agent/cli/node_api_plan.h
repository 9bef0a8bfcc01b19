#ifndef NYMVISOR_AGENT_CLI_NODE_API_PLAN_H_
#define NYMVISOR_AGENT_CLI_NODE_API_PLAN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nymvisor {

/// The URLs `init` suggests for daemon.health_check_url and
/// daemon.build_info_url, and where the address came from.
struct NodeApiUrls {
  std::string health;      ///< http://127.0.0.1:8080/api/v1/health
  std::string build_info;  ///< http://127.0.0.1:8080/api/v1/build-information
  std::string from;        ///< "--http-bind-address", "[http] bind_address" or "the default"
};

/// The loopback base URL ("http://127.0.0.1:8080") that reaches a node
/// listening on `bind_address` (a socket address, as nym-node writes it):
/// the unspecified 0.0.0.0 becomes 127.0.0.1 and [::] becomes [::1]; any
/// other address is kept. nullopt when it is not HOST:PORT.
std::optional<std::string> LoopbackBaseFor(std::string_view bind_address);

/// nym-node's API address: its `--http-bind-address` argument (which wins at
/// run time), else `bind_address` in the [http] table of its config.toml
/// (`config_toml`; the text of the file), else its default [::]:8080.
/// nullopt when the address given cannot be read. Pure.
std::optional<NodeApiUrls> SuggestNodeApiUrls(std::string_view config_toml,
                                              const std::vector<std::string>& args);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_NODE_API_PLAN_H_
