#include "agent/decide/upgrade_schedule.h"

#include <algorithm>

namespace nymvisor {
namespace {

StageRecord RecordFor(const std::map<std::string, StageRecord>& stages, const std::string& name) {
  auto it = stages.find(name);
  return it == stages.end() ? StageRecord{} : it->second;
}

ScheduleDecision Make(ScheduleDecision::Kind kind, std::string name, std::string reason = "",
                      std::optional<Timestamp> at = std::nullopt) {
  return {kind, std::move(name), std::move(reason), at};
}

}  // namespace

ScheduleDecision DecideSchedule(const UpgradePlan& plan,
                                const std::map<std::string, StageRecord>& stages, Timestamp now,
                                bool held) {
  using Kind = ScheduleDecision::Kind;
  if (plan.queued_up.empty()) return {};
  bool staging = false;
  const UpgradeInfo* unexamined = nullptr;
  for (const UpgradeInfo& entry : plan.queued_up) {
    StageRecord record = RecordFor(stages, entry.name);
    if (record.status == StageStatus::kFailed)
      return Make(Kind::kRefuse, entry.name, record.detail);
    staging = staging || record.status == StageStatus::kInProgress;
    if (record.status == StageStatus::kUnknown && unexamined == nullptr) unexamined = &entry;
  }
  const UpgradeInfo& head = plan.queued_up.front();
  StageRecord head_record = RecordFor(stages, head.name);
  bool due = head.upgrade_time <= now;
  bool staged = head_record.status == StageStatus::kStaged;
  if (due && staged && !held) return Make(Kind::kUpgrade, head.name);
  if (unexamined != nullptr && !staging) return Make(Kind::kStage, unexamined->name);
  if (due && held) return Make(Kind::kWait, head.name, "held");
  if (due) return Make(Kind::kWait, head.name, head_record.detail);
  return Make(Kind::kWait, head.name, head_record.detail, head.upgrade_time);
}

Duration StagingRetryDelay(uint32_t failures) {
  constexpr Duration kFirst = std::chrono::minutes(1);
  constexpr Duration kMost = std::chrono::hours(1);
  Duration delay = kFirst;
  for (uint32_t i = 1; i < failures && delay < kMost; ++i) delay *= 2;
  return std::min(delay, kMost);
}

}  // namespace nymvisor
