#ifndef NYMVISOR_AGENT_UPGRADE_STATE_H_
#define NYMVISOR_AGENT_UPGRADE_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/json_util.h"
#include "agent/upgrade_info.h"

namespace nymvisor {

/// The named steps of one upgrade. Each is recorded durably before it runs, so
/// an agent that dies at any point resumes at the same step; every step can be
/// run again safely.
enum class UpgradeStep {
  kStopping,           ///< StopUnit on the node, wait for the job
  kBackingUp,          ///< copy DAEMON_HOME (minus nymvisor/) to the backup directory
  kSwapping,           ///< point `current` at the new binary, write current-version.json
  kStarting,           ///< StartUnit, wait for the job
  kHealthCheck,        ///< the unit must stay healthy for the health period
  kCommitting,         ///< write the plan and history: the upgrade is kept
  kAborting,           ///< before the swap: start the old version again
  kRollbackStopping,   ///< after the swap: stop the unhealthy new version
  kRestoring,          ///< point `current` back, restore the data from the backup
  kRollbackStarting,   ///< start the old version, wait for the job
  kRollbackVerifying,  ///< the old version must come up active
  kRecordingFailure,   ///< write history (rolled back / failed), drop from the queue
};

std::string_view StepName(UpgradeStep step);
/// True for the steps that undo an upgrade after the switch.
bool IsRollbackStep(UpgradeStep step);

/// upgrade-state.json in the data directory: exists only while an upgrade is in
/// flight. Plain value.
struct UpgradeState {
  UpgradeInfo target;     ///< the upgrade being applied
  std::string from_name;  ///< what `current` pointed at before
  std::string from_version;
  BuildInfo from_build;    ///< the old binary's build information
  BuildInfo target_build;  ///< the staged binary's build information
  UpgradeStep step = UpgradeStep::kStopping;
  Timestamp started_at;          ///< also identifies this attempt in the history
  uint32_t attempts = 1;         ///< how many agent runs have worked on it
  std::string backup_path;       ///< empty until the backup is complete
  bool node_was_active = true;   ///< whether to start the old version after an abort
  bool skip_backup = false;      ///< DAEMON_UNSAFE_SKIP_BACKUP: no backup, no data restore
  bool leave_stopped = false;    ///< manual upgrade: switch, then do not start
  bool switched = false;         ///< `current` points at the target (a failure rolls back)
  bool rolled_back = false;      ///< the new version ran and is being (was) rolled back
  bool node_down = false;        ///< a rollback could not bring the old version back
  bool backup_unusable = false;  ///< the backup to restore is missing (restore cannot succeed)
  std::string failure;           ///< why it is being aborted or rolled back
  uint32_t restarts_before = 0;  ///< NRestarts when the health check began
  std::optional<Timestamp> health_started_at;
  bool operator==(const UpgradeState&) const = default;
};

Result<UpgradeState> UpgradeStateFromJson(const Json& j);
Result<UpgradeState> ParseUpgradeState(std::string_view text);
Json UpgradeStateToJson(const UpgradeState& state);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_UPGRADE_STATE_H_
