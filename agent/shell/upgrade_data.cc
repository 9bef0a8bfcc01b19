// The upgrade's effects on the node's data (steps pre-copying, backing-up,
// restoring, restoring-previous, and the prune after a commit): each runs
// on the worker thread and reports back on the main thread.
#include "agent/decide/rollback_plan.h"
#include "agent/shell/upgrade_runner.h"

namespace nymvisor {

void UpgradeRunner::RunPreCopy() {
  std::string name = BackupNameFor(*state_);
  auto result = std::make_shared<Status>(Status::Error("not run"));
  deps_.worker.Post([this, name, result] { *result = deps_.backups.PreCopy(name); },
                    [this, result] { Advance(result->ok(), result->message()); });
}

void UpgradeRunner::RunBackup() {
  std::string name = BackupNameFor(*state_);
  std::filesystem::path taken = state_->backup_path;  // before a restart
  bool switched = state_->switched;
  auto result = std::make_shared<Result<std::filesystem::path>>(Status::Error("not run"));
  auto reused = std::make_shared<bool>(false);
  deps_.worker.Post(
      [this, name, taken, switched, result, reused] {
        // Before the switch the old node may have run since (a crash, then a
        // boot): kept only while the data still equals it. After it, only
        // the new version (or a half-done restore) changed the data, which
        // the backup must not take in: it is kept as it is.
        Result<bool> same = taken.empty() ? Result<bool>(false)
                            : switched    ? Result<bool>(true)
                                          : deps_.backups.HomeMatches(taken);
        *reused = same.ok() && *same;
        *result = *reused ? Result<std::filesystem::path>(taken) : deps_.backups.Create(name);
      },
      [this, taken, result, reused] {
        if (!taken.empty() && !*reused) {
          deps_.log.Warning("the data changed since backup " + taken.string() +
                            " was taken (the node ran again): taking a new backup");
        }
        if (!result->ok()) return Advance(false, result->status().message());
        for (const std::string& note : deps_.backups.TakeNotes()) deps_.log.Warning(note);
        state_->backup_path = (*result)->string();
        Advance(true);
      });
}

void UpgradeRunner::RunRestore() {
  if (Status st = SwitchBack(); !st.ok()) return Advance(false, st.message());
  if (state_->skip_backup || state_->backup_path.empty()) return Advance(true);
  std::filesystem::path backup = state_->backup_path;
  state_->restore_attempts++;
  if (Status st = deps_.records.SaveState(*state_); !st.ok()) return Advance(false, st.message());
  auto result = std::make_shared<Status>();
  deps_.worker.Post([this, backup, result] { *result = deps_.backups.Restore(backup); },
                    [this, result] { OnRestored(*result); });
}

void UpgradeRunner::OnRestored(const Status& result) {
  // Unusable: the store refused the backup before touching the data. Only the
  // first attempt knows the data is as the new version left it; after an
  // earlier attempt (or a crash during one) it may be half restored.
  if (result.IsUnusable() && state_->restore_attempts == 1) {
    state_->restore_refused = true;
    deps_.log.Warning("the backup cannot be used (" + result.message() + "); starting " +
                      state_->from_version + " on the data as " + state_->target.version +
                      " left it");
    state_->failure += "; the data was not restored: " + result.message();
  } else if (result.IsUnusable()) {
    state_->backup_unusable = true;
  }
  Advance(result.ok(), result.message());
}

void UpgradeRunner::RunRestorePrevious() {
  std::filesystem::path backup = state_->revert_backup;
  auto result = std::make_shared<Status>();
  deps_.worker.Post([this, backup, result] { *result = deps_.backups.Restore(backup); },
                    [this, result] { Advance(result->ok(), result->message()); });
}

std::vector<std::filesystem::path> UpgradeRunner::BackupsToProtect(const UpgradeState& state) {
  // After an upgrade: the backup it took. After an operator's rollback: the
  // backup taken before the version it returned to was first applied (its
  // own backup, of the newer version's data, is of no use to any rollback).
  std::vector<std::filesystem::path> keep;
  if (!state.revert && !state.backup_path.empty()) keep.push_back(state.backup_path);
  if (state.revert && state.target_backup && !state.target_backup->empty()) {
    keep.push_back(*state.target_backup);
  }
  return keep;
}

void UpgradeRunner::PruneBackups(const UpgradeState& state) {
  std::vector<std::filesystem::path> keep = BackupsToProtect(state);
  uint32_t count = settings_.backups_to_keep;
  Result<UpgradePlan> plan = deps_.records.LoadPlan();
  Result<UpgradeHistory> history = deps_.records.LoadHistory();
  if (plan.ok() && history.ok()) {
    RollbackBackups wanted = BackupsForRollbacks(ListRollbackOptions(*plan, *history), count);
    keep.insert(keep.end(), wanted.paths.begin(), wanted.paths.end());
    if (wanted.complete) count = 0;  // everything a kept version needs is in `keep`
  }
  auto pruned = std::make_shared<Status>();
  deps_.worker.Post([this, keep, count, pruned] { *pruned = deps_.backups.Prune(count, keep); },
                    [this, pruned] { WarnIfPruneFailed(*pruned); });
}

void UpgradeRunner::WarnIfPruneFailed(const Status& pruned) {
  if (pruned.ok()) return;
  deps_.log.Warning("removing old backups failed: " + pruned.message() +
                    ". They stay on disk; if space runs short, remove the oldest backup " +
                    "directories by hand (as the node's account). The next upgrade tries again");
}

}  // namespace nymvisor
