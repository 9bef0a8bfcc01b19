#include "agent/shell/upgrade_records.h"

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

constexpr Duration kLockTimeout = std::chrono::seconds(10);

}  // namespace

Status UpgradeRecords::Queue(const UpgradeInfo& info) {
  NV_RETURN_IF_ERROR(store_.SaveUpgradeInfo(info));
  NV_ASSIGN_OR_RETURN(auto lock, files_.LockExclusive(store_.layout().LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store_.LoadPlan());
  if (FindQueuedByName(plan, info.name) != nullptr) return {};
  InsertQueued(&plan, info);
  return store_.SavePlan(plan);
}

Status UpgradeRecords::Reschedule(const UpgradeInfo& info) {
  NV_ASSIGN_OR_RETURN(std::optional<UpgradeState> in_flight, LoadState());
  if (in_flight && in_flight->target.name == info.name) {
    return Status::Error("upgrade " + info.name + " is being applied now");
  }
  NV_ASSIGN_OR_RETURN(auto lock, files_.LockExclusive(store_.layout().LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store_.LoadPlan());
  const UpgradeInfo* queued = FindQueuedByName(plan, info.name);
  if (queued == nullptr) return Status::NotFound("upgrade " + info.name + " is not queued");
  UpgradeInfo moved = *queued;
  moved.upgrade_time = info.upgrade_time;
  NV_RETURN_IF_ERROR(store_.SaveUpgradeInfo(moved));
  RemoveQueued(&plan, info.name);
  InsertQueued(&plan, moved);
  return store_.SavePlan(plan);
}

Status UpgradeRecords::SwitchCurrent(const std::string& name, const std::string& version,
                                     const BuildInfo& build, Timestamp now) {
  const Layout& layout = store_.layout();
  NV_RETURN_IF_ERROR(files_.ReplaceSymlink(layout.CurrentLink(), layout.UpgradeDir(name)));
  return store_.SaveCurrentVersion({name, version, now, build});
}

bool UpgradeRecords::CurrentIs(const std::string& name) {
  const Layout& layout = store_.layout();
  Result<std::string> target = files_.ReadSymlink(layout.CurrentLink());
  return target.ok() && std::filesystem::path(*target) == layout.UpgradeDir(name);
}

Status UpgradeRecords::AppendHistoryOnce(const HistoryEntry& entry) {
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, store_.LoadHistory());
  const HistoryEntry* last = LastEntryFor(history, entry.info.name);
  if (last != nullptr && last->performed_at == entry.performed_at &&
      last->outcome == entry.outcome) {
    return {};
  }
  history.history.push_back(entry);
  return store_.SaveHistory(history);
}

Status UpgradeRecords::RecordRevert(const UpgradeState& state) {
  // Every upgrade undone, not just the running one: else a version skipped
  // over by `rollback --to` would still count as one to return to.
  std::vector<std::string> names = state.undone;
  if (names.empty()) names.push_back(state.from_name);
  for (const std::string& name : names) {
    Result<UpgradeInfo> undone = store_.LoadUpgradeInfo(name);
    UpgradeInfo info = undone.ok() ? *undone : UpgradeInfo{};
    if (!undone.ok()) {
      info.name = name;
      info.version = name == state.from_name ? state.from_version : "";
    }
    NV_RETURN_IF_ERROR(
        AppendHistoryOnce({state.started_at, info, UpgradeOutcome::kReverted,
                           "rolled back to " + state.target.version + " on request"}));
  }
  // The version returned to keeps the backup taken before it was first
  // applied, never this rollback's own copy of the newer version's data.
  return AppendHistoryOnce({state.started_at, state.target, UpgradeOutcome::kCompleted,
                            "rollback from " + state.from_version, state.target_backup});
}

Status UpgradeRecords::Commit(const UpgradeState& state) {
  NV_ASSIGN_OR_RETURN(auto lock, files_.LockExclusive(store_.layout().LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store_.LoadPlan());
  if (state.leave_stopped) {
    NV_RETURN_IF_ERROR(files_.WriteFileAtomic(
        AwaitingStartFile(), state.target.name + " " + state.target.version + "\n", 0644));
  } else {
    NV_RETURN_IF_ERROR(ClearAwaitingStart());
  }
  if (state.revert) NV_RETURN_IF_ERROR(RecordRevert(state));
  plan.current = state.target;
  RemoveQueued(&plan, state.target.name);
  NV_RETURN_IF_ERROR(store_.SavePlan(plan));
  if (state.revert) return {};
  // Which backup holds the data from just before this upgrade: the one a
  // rollback from it restores ("" when it was applied without a backup).
  return AppendHistoryOnce(
      {state.started_at, state.target, UpgradeOutcome::kCompleted, "", state.backup_path});
}

Status UpgradeRecords::RecordFailure(const UpgradeInfo& info, UpgradeOutcome outcome,
                                     const std::string& reason, Timestamp started_at) {
  NV_ASSIGN_OR_RETURN(auto lock, files_.LockExclusive(store_.layout().LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store_.LoadPlan());
  // The history first: if only it is written (a full disk), the entry stays
  // queued and is refused again later, never forgotten.
  NV_RETURN_IF_ERROR(AppendHistoryOnce({started_at, info, outcome, reason}));
  if (RemoveQueued(&plan, info.name)) NV_RETURN_IF_ERROR(store_.SavePlan(plan));
  return {};
}

Result<std::vector<std::string>> UpgradeRecords::ClearRefusals(Timestamp now) {
  NV_ASSIGN_OR_RETURN(auto lock, files_.LockExclusive(store_.layout().LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, store_.LoadHistory());
  std::vector<std::string> cleared;
  for (HistoryEntry& entry : history.history) {
    if (entry.outcome != UpgradeOutcome::kRefused || entry.cleared_at) continue;
    entry.cleared_at = now;
    cleared.push_back(entry.info.name);
  }
  if (!cleared.empty()) NV_RETURN_IF_ERROR(store_.SaveHistory(history));
  return cleared;
}

Result<std::optional<UpgradeState>> UpgradeRecords::LoadState() {
  Result<std::string> text = files_.ReadFile(StateFile());
  if (text.status().IsNotFound()) return std::optional<UpgradeState>();
  if (!text.ok()) return text.status();
  Result<UpgradeState> state = ParseUpgradeState(*text);
  if (!state.ok()) return state.status().WithContext(StateFile().string());
  return std::optional<UpgradeState>(std::move(state).value());
}

Status UpgradeRecords::SaveState(const UpgradeState& state) {
  return files_.WriteFileAtomic(StateFile(), DumpJsonPretty(UpgradeStateToJson(state)), 0644);
}

Status UpgradeRecords::ClearState() { return files_.RemoveAll(StateFile()); }

bool UpgradeRecords::AwaitingStart() { return files_.Stat(AwaitingStartFile()).ok(); }

Status UpgradeRecords::ClearAwaitingStart() { return files_.RemoveAll(AwaitingStartFile()); }

}  // namespace nymvisor
