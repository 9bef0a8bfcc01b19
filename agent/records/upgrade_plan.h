#ifndef NYMVISOR_AGENT_RECORDS_UPGRADE_PLAN_H_
#define NYMVISOR_AGENT_RECORDS_UPGRADE_PLAN_H_

#include <string_view>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// upgrade-plan.json: what runs now and what is queued, ordered by upgradeTime.
/// Plain value; the functions below are the only way the queue changes.
struct UpgradePlan {
  UpgradeInfo current;
  std::vector<UpgradeInfo> queued_up;
  bool operator==(const UpgradePlan&) const = default;
};

Result<UpgradePlan> UpgradePlanFromJson(const Json& j);
Result<UpgradePlan> ParseUpgradePlan(std::string_view text);
Json UpgradePlanToJson(const UpgradePlan& plan);

/// Inserts keeping the queue sorted by upgradeTime; equal times keep insertion order.
void InsertQueued(UpgradePlan* plan, UpgradeInfo info);

/// The queued entry with this name, or nullptr.
const UpgradeInfo* FindQueuedByName(const UpgradePlan& plan, std::string_view name);

/// The queued entry with this version, or nullptr.
const UpgradeInfo* FindQueuedByVersion(const UpgradePlan& plan, std::string_view version);

/// Removes the entry with this name; returns whether one was removed.
bool RemoveQueued(UpgradePlan* plan, std::string_view name);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_UPGRADE_PLAN_H_
