#ifndef NYMVISOR_AGENT_DECIDE_UPGRADE_STATE_H_
#define NYMVISOR_AGENT_DECIDE_UPGRADE_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/decide/upgrade_steps.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

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
  /// The backup was refused before anything of it was restored: the old
  /// version then starts on the data as the new one left it.
  bool restore_refused = false;
  uint32_t restore_attempts = 0;  ///< restores begun; a later one may find a half-restored tree
  bool revert = false;            ///< an operator's rollback to the previous version
  std::string revert_backup;      ///< the backup of the previous version's data (revert only)
  /// Revert only: the backup taken before the target version was first
  /// applied (from its history entry). The commit records it again with the
  /// target, so that a later rollback from the target restores that data and
  /// never this revert's own backup. Absent when the history did not say.
  std::optional<std::string> target_backup = std::nullopt;
  /// Revert only: every upgrade it undoes, the running one first (a
  /// `rollback --to` an older version undoes the ones between). The commit
  /// records each as reverted. Empty in files written before it: then only
  /// `from_name`.
  std::vector<std::string> undone;
  std::string requested_by;      ///< who asked for it (ApplyNow, Rollback), or empty
  std::string failure;           ///< why it is being aborted or rolled back
  uint32_t restarts_before = 0;  ///< NRestarts when the health check began
  std::optional<Timestamp> health_started_at;
  std::string health_boot_id;  ///< the boot the health check began in ("" unknown)
  /// An operator stopped the node during the health check: nothing is judged
  /// until they start it again, which begins a full period.
  std::optional<Timestamp> health_paused_at;
  /// Healthy time the agent saw, saved every few seconds: an agent that
  /// resumes the check counts only this, never the time nobody watched (it
  /// was dead, the machine was off).
  Duration health_seen = Duration::zero();
  /// The upgrade takes a fleet slot first and gives it back at the end
  /// (nymvisor.fleet_endpoints when it began); absent in older files: false.
  bool fleet = false;
  /// The commit is recorded (releasing-slot then writes the done mark).
  bool committed = false;
  bool operator==(const UpgradeState&) const = default;
};

/// The name the backup of `state` is kept under. An operator's rollback backs
/// up the newer version's data before it switches: that copy is kept under
/// ".rollback-to-<target>", a name no upgrade can have (upgrade names never
/// start with '.'), so it is never taken for the target's pre-upgrade backup.
std::string BackupNameFor(const UpgradeState& state);

Result<UpgradeState> UpgradeStateFromJson(const Json& j);
Result<UpgradeState> ParseUpgradeState(std::string_view text);
Json UpgradeStateToJson(const UpgradeState& state);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPGRADE_STATE_H_
