#ifndef NYMVISOR_AGENT_CLI_ROLLBACK_LIST_COMMAND_H_
#define NYMVISOR_AGENT_CLI_ROLLBACK_LIST_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/cli/cli_support.h"
#include "agent/config/config.h"
#include "agent/decide/rollback_plan.h"

namespace nymvisor {

/// One line of `nymvisor rollback --list`: a version the instance can
/// return to and the backup that holds its data.
struct RollbackListRow {
  std::string name;
  std::string version;  ///< "" when its record cannot be read
  std::optional<Timestamp> left_at;
  /// The backup a rollback to it restores; absent when the history does not
  /// say (written by an older release) or its upgrade took none.
  std::optional<std::string> backup = std::nullopt;
  bool no_backup = false;    ///< the upgrade that replaced it took no backup
  bool backup_gone = false;  ///< the backup was pruned or removed
  std::optional<uint64_t> backup_bytes = std::nullopt;
};

/// The rows as `-o json` prints them: [{name, version, leftAt, backup,
/// backupBytes, restorable}] (restorable is null when unknown).
Json RollbackListToJson(const std::vector<RollbackListRow>& rows);

/// The rows as a table, with what to type next; `running` names the
/// running version.
std::string RenderRollbackList(const std::vector<RollbackListRow>& rows,
                               const std::string& running);

/// `nymvisor rollback --list [-o json]`: reads the plan, the history and the
/// backups as the node's account (no agent needed) and prints every version
/// the instance can return to, newest first. Warns when the node's config
/// file lies outside DAEMON_HOME (backups do not cover it).
Status RunRollbackList(const Invocation& inv, const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_ROLLBACK_LIST_COMMAND_H_
