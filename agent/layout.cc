#include "agent/layout.h"

namespace nymvisor {

std::filesystem::path Layout::UpgradeDir(const std::string& name) const {
  if (name == "genesis") return GenesisDir();
  return UpgradesDir() / name;
}

Layout MakeLayout(const Config& config) {
  Layout layout;
  layout.home = config.daemon.home;
  layout.nymvisor_dir = layout.home / "nymvisor";
  layout.data_dir = config.nymvisor.upgrade_data_directory.empty()
                        ? layout.nymvisor_dir
                        : std::filesystem::path(config.nymvisor.upgrade_data_directory);
  layout.backup_dir = config.daemon.backup_data_directory.empty()
                          ? layout.nymvisor_dir / "backups"
                          : std::filesystem::path(config.daemon.backup_data_directory);
  layout.daemon_name = config.daemon.name;
  return layout;
}

}  // namespace nymvisor
