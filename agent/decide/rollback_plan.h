#ifndef NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_
#define NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor {

/// One version the node can return to, from the newest back: the versions
/// that ran before the running one and were not undone since, then genesis.
struct RollbackOption {
  std::string name;
  /// Its record when the history holds it; empty for genesis, whose record
  /// lives in genesis/upgrade-info.json.
  std::optional<UpgradeInfo> info;
  /// When the node left it: the start of the upgrade that replaced it
  /// (absent when the history does not say).
  std::optional<Timestamp> left_at;
  /// The upgrade that replaced it, whose backup holds its data.
  std::string replaced_by;
  /// The backup recorded when `replaced_by` completed: this version's data
  /// just before it was left, which returning to it restores. "" when that
  /// upgrade took no backup; absent in histories written before backups were
  /// recorded.
  std::optional<std::string> restore_backup;
  /// The backup recorded with its own completion (the data before it was
  /// applied): the one a later rollback from it needs.
  std::optional<std::string> own_backup;
  /// The upgrades a return to it undoes, newest first (the running one first).
  std::vector<std::string> undone;
};

/// Every version the node can return to, the version before the running one
/// first: the completed entries of the history before the running upgrade's
/// last completion that were not reverted later (a rollback is recorded as
/// each undone upgrade reverted and the version it returned to completed),
/// then genesis. Empty when the node runs genesis. Pure.
std::vector<RollbackOption> ListRollbackOptions(const UpgradePlan& plan,
                                                const UpgradeHistory& history);

/// What an operator's rollback goes back to.
struct RollbackTarget {
  UpgradeInfo from;  ///< the running upgrade, to be undone
  std::string to_name;
  std::optional<UpgradeInfo> to;
  /// The backup holding the target's data as it was just before it was left
  /// (recorded when the upgrade that replaced it completed), which this
  /// rollback restores. Absent when the history predates recorded backups
  /// (the caller may then look it up under `backup_of`).
  std::optional<std::string> from_backup = std::nullopt;
  /// The backup recorded with the target's completion (the data before the
  /// target was applied): the running version's backup after the rollback.
  std::optional<std::string> to_backup = std::nullopt;
  /// The upgrade whose backup `from_backup` is (the one that replaced the target).
  std::string backup_of = "";
  /// Every upgrade this rollback undoes, the running one first.
  std::vector<std::string> undone = {};
};

/// The option named `to` ("" is the version before the running one;
/// "genesis" is allowed). Refused with NoPreviousVersion when the node runs
/// genesis, and with UnknownRollbackTarget, listing the choices, when `to`
/// is none of them (the running version, one undone or never run). Pure.
Result<RollbackTarget> FindRollbackTarget(const UpgradePlan& plan, const UpgradeHistory& history,
                                          const std::string& to = "");

/// The backups a rollback to one of the first `versions` options restores,
/// for retention: with `complete` false when one of them is unknown (a
/// history written before backups were recorded). Pure.
struct RollbackBackups {
  std::vector<std::string> paths;
  bool complete = true;
};
RollbackBackups BackupsForRollbacks(const std::vector<RollbackOption>& options, size_t versions);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_ROLLBACK_PLAN_H_
