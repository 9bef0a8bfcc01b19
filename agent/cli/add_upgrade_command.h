#ifndef NYMVISOR_AGENT_CLI_ADD_UPGRADE_COMMAND_H_
#define NYMVISOR_AGENT_CLI_ADD_UPGRADE_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>

#include "agent/base/timestamp.h"
#include "agent/config/config.h"
#include "agent/ports/clock.h"
#include "agent/ports/file_system.h"
#include "agent/ports/process_runner.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// add-upgrade's flags. At most one of now / upgrade_time / upgrade_delay is
/// set (the CLI enforces it); none means "in 15 minutes".
struct AddUpgradeFlags {
  std::string daemon_binary;
  std::string upgrade_name;
  bool force = false;
  bool add_binary = false;
  bool now = false;
  std::optional<Timestamp> upgrade_time;
  std::optional<Duration> upgrade_delay;
  std::optional<Timestamp> publish_date;
  Duration build_info_timeout = std::chrono::seconds(30);
};

inline constexpr Duration kDefaultUpgradeDelay = std::chrono::minutes(15);

struct AddUpgradeDeps {
  FileSystem& files;
  ProcessRunner& processes;
  Clock& clock;
  std::ostream& warnings;
};

/// Adds a manually provided binary: either a new queued upgrade (record in
/// upgrades/<name>/upgrade-info.json plus a plan entry) or, with --add-binary,
/// the binary for an upgrade whose record already exists. The binary is copied
/// before the plan changes, so the agent never sees an entry without it.
/// Returns the upgrade's record.
Result<UpgradeInfo> RunAddUpgrade(const AddUpgradeFlags& flags, const Config& config,
                                  const AddUpgradeDeps& deps);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_ADD_UPGRADE_COMMAND_H_
