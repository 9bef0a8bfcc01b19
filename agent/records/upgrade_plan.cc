#include "agent/records/upgrade_plan.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {

Result<UpgradePlan> UpgradePlanFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade plan"));
  UpgradePlan plan;
  auto current = j.find("current");
  if (current == j.end()) return Status::Error("upgrade plan: missing key 'current'");
  Result<UpgradeInfo> info = UpgradeInfoFromJson(*current);
  if (!info.ok()) return info.status().WithContext("upgrade plan: key 'current'");
  plan.current = std::move(info).value();
  auto queue = j.find("queuedUp");
  if (queue == j.end() || !queue->is_array()) {
    return Status::Error("upgrade plan: key 'queuedUp' must be an array");
  }
  for (size_t i = 0; i < queue->size(); ++i) {
    Result<UpgradeInfo> entry = UpgradeInfoFromJson((*queue)[i]);
    if (!entry.ok()) {
      return entry.status().WithContext("upgrade plan: queuedUp[" + std::to_string(i) + "]");
    }
    InsertQueued(&plan, std::move(entry).value());
  }
  return plan;
}

Result<UpgradePlan> ParseUpgradePlan(std::string_view text) {
  return ParseRecord(text, UpgradePlanFromJson);
}

Json UpgradePlanToJson(const UpgradePlan& plan) {
  Json queue = Json::array();
  for (const UpgradeInfo& info : plan.queued_up) queue.push_back(UpgradeInfoToJson(info));
  return Json{{"current", UpgradeInfoToJson(plan.current)}, {"queuedUp", queue}};
}

void InsertQueued(UpgradePlan* plan, UpgradeInfo info) {
  auto pos = std::upper_bound(
      plan->queued_up.begin(), plan->queued_up.end(), info.upgrade_time,
      [](const Timestamp& t, const UpgradeInfo& entry) { return t < entry.upgrade_time; });
  plan->queued_up.insert(pos, std::move(info));
}

const UpgradeInfo* FindQueuedByName(const UpgradePlan& plan, std::string_view name) {
  for (const UpgradeInfo& info : plan.queued_up) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const UpgradeInfo* FindQueuedByVersion(const UpgradePlan& plan, std::string_view version) {
  for (const UpgradeInfo& info : plan.queued_up) {
    if (info.version == version) return &info;
  }
  return nullptr;
}

bool RemoveQueued(UpgradePlan* plan, std::string_view name) {
  auto it = std::find_if(plan->queued_up.begin(), plan->queued_up.end(),
                         [&](const UpgradeInfo& info) { return info.name == name; });
  if (it == plan->queued_up.end()) return false;
  plan->queued_up.erase(it);
  return true;
}

}  // namespace nymvisor
