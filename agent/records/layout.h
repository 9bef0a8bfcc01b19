#ifndef NYMVISOR_AGENT_RECORDS_LAYOUT_H_
#define NYMVISOR_AGENT_RECORDS_LAYOUT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// Every path nymvisor reads or writes for one instance, derived from the config.
/// Data directory default: <home>/nymvisor, so nodes on one box never share state.
/// Plain value.
struct Layout {
  std::filesystem::path home;          ///< DAEMON_HOME
  std::filesystem::path nymvisor_dir;  ///< <home>/nymvisor
  std::filesystem::path data_dir;      ///< genesis/, upgrades/, current, plan, history
  std::filesystem::path backup_dir;    ///< <backup dir>/<upgrade name>/...
  std::string daemon_name;

  std::filesystem::path GenesisDir() const { return data_dir / "genesis"; }
  std::filesystem::path UpgradesDir() const { return data_dir / "upgrades"; }
  std::filesystem::path CurrentLink() const { return data_dir / "current"; }
  std::filesystem::path PlanFile() const { return data_dir / "upgrade-plan.json"; }
  std::filesystem::path HistoryFile() const { return data_dir / "upgrade-history.json"; }
  std::filesystem::path LockFile() const { return data_dir / "upgrade.lock"; }
  /// Held by the one running agent of the instance; says its pid.
  std::filesystem::path AgentLockFile() const { return data_dir / "agent.lock"; }
  /// Present while an operator holds upgrades (records/hold.h).
  std::filesystem::path HoldFile() const { return data_dir / "hold"; }
  /// Present while the node must stay down after a failed rollback
  /// (records/node_down.h); only an operator removes it.
  std::filesystem::path NodeDownFile() const { return data_dir / "node-left-down.json"; }
  std::filesystem::path SignatureFile() const { return data_dir / "upstream-signature.json"; }
  /// Present while this instance asks for or holds a fleet slot
  /// (records/fleet_slot.h).
  std::filesystem::path FleetSlotFile() const { return data_dir / "fleet-slot.json"; }
  std::filesystem::path CurrentVersionFile() const { return nymvisor_dir / "current-version.json"; }
  /// genesis/ for "genesis", else upgrades/<name>.
  std::filesystem::path UpgradeDir(const std::string& name) const;
  std::filesystem::path UpgradeInfoFile(const std::string& name) const {
    return UpgradeDir(name) / "upgrade-info.json";
  }
  std::filesystem::path UpgradeBinary(const std::string& name) const {
    return UpgradeDir(name) / "bin" / daemon_name;
  }
  /// The binary the node runs: <data>/current/bin/<name>, through the symlink.
  std::filesystem::path CurrentBinary() const { return CurrentLink() / "bin" / daemon_name; }
};

/// The layout for a home, the configured data and backup directories (empty:
/// the defaults under <home>/nymvisor) and the daemon's binary name. Paths are
/// cleaned, so "/h/x/", "/h/./x" and "/h/y/../x" all compare equal.
Layout MakeLayout(const std::string& home, const std::string& data_dir,
                  const std::string& backup_dir, const std::string& daemon_name);

/// Paths inside DAEMON_HOME that belong to nymvisor and are never backed up or
/// restored: <home>/nymvisor, and the data and backup directories if they are
/// elsewhere inside the home.
std::vector<std::filesystem::path> NymvisorPathsInHome(const Layout& layout);

/// Backups copy and restore the home's top-level entries, so a data or backup
/// directory inside the home must be one of them (or inside <home>/nymvisor).
Status ValidateLayout(const Layout& layout);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_LAYOUT_H_
