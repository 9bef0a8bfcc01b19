#ifndef NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_
#define NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_

#include <optional>
#include <string>

#include "agent/base/status.h"
#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor {

/// What an operator's rollback goes back to: the version that ran before the
/// current one. `to` is that version's record when the history holds it;
/// empty for genesis, whose record lives in genesis/upgrade-info.json.
struct RollbackTarget {
  UpgradeInfo from;  ///< the running upgrade, to be undone
  std::string to_name;
  std::optional<UpgradeInfo> to;
  /// The backup recorded with the running upgrade's completion: the data
  /// just before it was applied, which this rollback restores. Absent when
  /// the history predates recorded backups (the caller may then look it up).
  std::optional<std::string> from_backup = std::nullopt;
  /// The backup recorded with the target's completion (the data before the
  /// target was applied): the running version's backup after the rollback.
  std::optional<std::string> to_backup = std::nullopt;
};

/// Finds the version before the running one: the newest completed entry of
/// the history before the running upgrade's last completion that was not
/// reverted later (a rollback is recorded as the undone upgrade reverted and
/// the version it returned to completed), or genesis when there is none. Refused with
/// NoPreviousVersion when the node runs genesis. Pure.
Result<RollbackTarget> FindRollbackTarget(const UpgradePlan& plan, const UpgradeHistory& history);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_
