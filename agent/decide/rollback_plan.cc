#include "agent/decide/rollback_plan.h"

#include <set>

namespace nymvisor {
namespace {

/// The index just past the running upgrade's last completion, or the end.
size_t EndOfCurrent(const UpgradeHistory& history, const std::string& current) {
  for (size_t i = history.history.size(); i > 0; --i) {
    const HistoryEntry& e = history.history[i - 1];
    if (e.info.name == current && e.outcome == UpgradeOutcome::kCompleted) return i - 1;
  }
  return history.history.size();
}

}  // namespace

Result<RollbackTarget> FindRollbackTarget(const UpgradePlan& plan, const UpgradeHistory& history) {
  const std::string& current = plan.current.name;
  if (current == "genesis") {
    return Status::Refused("NoPreviousVersion", "the node runs its genesis version " +
                                                    plan.current.version +
                                                    ": there is no earlier version to go back to");
  }
  RollbackTarget target{plan.current, "genesis", std::nullopt};
  size_t end = EndOfCurrent(history, current);
  if (end < history.history.size()) target.from_backup = history.history[end].backup;
  std::set<std::string> reverted;  // undone later: not a version to go back to
  for (size_t i = end; i > 0; --i) {
    const HistoryEntry& e = history.history[i - 1];
    if (e.outcome == UpgradeOutcome::kReverted) reverted.insert(e.info.name);
    if (e.outcome != UpgradeOutcome::kCompleted || e.info.name == current ||
        reverted.count(e.info.name)) {
      continue;
    }
    target.to_name = e.info.name;
    target.to_backup = e.backup;
    if (e.info.name != "genesis") target.to = e.info;
    break;
  }
  return target;
}

}  // namespace nymvisor
