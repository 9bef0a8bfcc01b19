#ifndef NYMVISOR_AGENT_SHELL_UPGRADE_RECORDS_H_
#define NYMVISOR_AGENT_SHELL_UPGRADE_RECORDS_H_

#include <optional>
#include <string>

#include "agent/decide/upgrade_state.h"
#include "agent/shell/record_store.h"

namespace nymvisor {

/// The record-keeping steps of an upgrade, each one an idempotent change to
/// the instance's files. Plan edits hold the plan lock, so `add-upgrade` can
/// run at the same time. Main thread (or any single thread).
class UpgradeRecords {
 public:
  UpgradeRecords(FileSystem& files, const Layout& layout) : files_(files), store_(files, layout) {}

  /// The instance's records, read fresh from disk.
  Result<UpgradePlan> LoadPlan() { return store_.LoadPlan(); }
  Result<UpgradeHistory> LoadHistory() { return store_.LoadHistory(); }
  Result<CurrentVersion> LoadCurrentVersion() { return store_.LoadCurrentVersion(); }
  Result<UpgradeInfo> LoadUpgradeInfo(const std::string& name) {
    return store_.LoadUpgradeInfo(name);
  }
  /// The operator's hold (NotFound when there is none), kept in `hold`.
  Result<HoldRecord> LoadHold() { return store_.LoadHold(); }
  Status SaveHold(const HoldRecord& hold) { return store_.SaveHold(hold); }
  Status ClearHold() { return store_.ClearHold(); }
  /// node-left-down.json (NotFound when there is none): see records/node_down.h.
  Result<NodeDownRecord> LoadNodeDown() { return store_.LoadNodeDown(); }
  Status SaveNodeDown(const NodeDownRecord& record) { return store_.SaveNodeDown(record); }
  Status ClearNodeDown() { return store_.ClearNodeDown(); }
  /// The newest signed upgrade-info.json accepted (NotFound: none yet).
  Result<SignatureRecord> LoadSignature() { return store_.LoadSignature(); }
  Status SaveSignature(const SignatureRecord& record) { return store_.SaveSignature(record); }

  /// Adds an upstream upgrade: its upgrade-info.json, then the plan entry.
  Status Queue(const UpgradeInfo& info);
  /// Moves the queued upgrade `info.name` to `info.upgrade_time` (its
  /// upgrade-info.json too). Refused while that upgrade is being applied.
  Status Reschedule(const UpgradeInfo& info);
  /// Points `current` at the upgrade `name` and writes current-version.json
  /// to match; `current` is replaced atomically.
  Status SwitchCurrent(const std::string& name, const std::string& version, const BuildInfo& build,
                       Timestamp now);
  /// Whether `current` points at the upgrade `name` (genesis included).
  bool CurrentIs(const std::string& name);
  /// The upgrade is kept: it becomes the plan's current entry, leaves the
  /// queue and is appended to the history once (a repeat is a no-op). A
  /// manual upgrade (leave_stopped) also marks the node as awaiting start.
  /// An operator's rollback (revert) records every upgrade it undid as reverted,
  /// then the version it returned to as completed.
  Status Commit(const UpgradeState& state);
  /// The upgrade will not be applied: history records why, and it leaves the
  /// queue, so it is not tried again until an operator re-queues it.
  Status RecordFailure(const UpgradeInfo& info, UpgradeOutcome outcome, const std::string& reason,
                       Timestamp started_at);
  /// Marks every pre_upgrade_command refusal not yet cleared as cleared at
  /// `now` (`nymvisor check`), so that upstream may offer those upgrades
  /// again; returns their names. Failures and rollbacks stay final.
  Result<std::vector<std::string>> ClearRefusals(Timestamp now);

  /// upgrade-state.json: present only while an upgrade is in flight.
  Result<std::optional<UpgradeState>> LoadState();
  Status SaveState(const UpgradeState& state);
  Status ClearState();

  /// awaiting-start: present from a manual upgrade's commit until the node
  /// is seen running, so that a restart of the agent does not start the
  /// node on the operator's behalf.
  bool AwaitingStart();
  Status ClearAwaitingStart();

 private:
  std::filesystem::path StateFile() const {
    return store_.layout().data_dir / "upgrade-state.json";
  }
  std::filesystem::path AwaitingStartFile() const {
    return store_.layout().data_dir / "awaiting-start";
  }
  Status AppendHistoryOnce(const HistoryEntry& entry);
  /// A rollback's two history entries: the undone upgrade, the version back.
  Status RecordRevert(const UpgradeState& state);

  FileSystem& files_;
  RecordStore store_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_UPGRADE_RECORDS_H_
