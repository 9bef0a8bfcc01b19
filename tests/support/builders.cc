#include "tests/support/builders.h"

#include "tests/support/values.h"

namespace nymvisor::testing {

UpgradeInfo Upgrade(const std::string& name, const std::string& version, Timestamp at) {
  UpgradeInfo info;
  info.name = name;
  info.version = version;
  info.upgrade_time = at;
  return info;
}

UpgradePlan GenesisPlan(const std::string& version) {
  return UpgradePlan{MakeGenesisInfo(NodeBuildInfo(version)), {}};
}

}  // namespace nymvisor::testing
