#include "tests/support/config_builders.h"

namespace nymvisor::testing {

Config NodeConfig(const std::filesystem::path& home, const std::string& id) {
  Config config = DefaultConfig("nym-node");
  config.daemon.home = home.string();
  if (!id.empty()) config.nymvisor.id = id;
  return config;
}

Layout NodeLayout(const std::filesystem::path& home) { return MakeLayout(NodeConfig(home)); }

}  // namespace nymvisor::testing
