#include "agent/decide/upgrade_schedule.h"

#include <gtest/gtest.h>

#include "tests/support/builders.h"

namespace nymvisor {
namespace {

using testing::GenesisPlan;
using testing::Upgrade;

using namespace std::chrono_literals;
using Kind = ScheduleDecision::Kind;

const Timestamp kNow = Timestamp() + 1000h;

UpgradePlan Plan(std::vector<std::pair<std::string, Duration>> entries) {
  UpgradePlan plan = GenesisPlan("1.0.0");
  for (auto& [name, offset] : entries) InsertQueued(&plan, Upgrade(name, "", kNow + offset));
  return plan;
}

TEST(DecideSchedule, IdleWithAnEmptyQueue) {
  EXPECT_EQ(DecideSchedule(Plan({}), {}, kNow).kind, Kind::kIdle);
}

TEST(DecideSchedule, StagesAheadOfTimeOneAtATime) {
  UpgradePlan plan = Plan({{"a", 1h}, {"b", 2h}});
  ScheduleDecision d = DecideSchedule(plan, {}, kNow);
  EXPECT_EQ(d.kind, Kind::kStage);
  EXPECT_EQ(d.name, "a");
  std::map<std::string, StageRecord> stages = {{"a", {StageStatus::kInProgress, ""}}};
  d = DecideSchedule(plan, stages, kNow);
  EXPECT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.at, kNow + 1h);
  stages["a"] = {StageStatus::kStaged, ""};
  EXPECT_EQ(DecideSchedule(plan, stages, kNow).name, "b");
}

TEST(DecideSchedule, UpgradesWhenDueAndStaged) {
  UpgradePlan plan = Plan({{"a", -1s}});
  std::map<std::string, StageRecord> stages = {{"a", {StageStatus::kStaged, ""}}};
  EXPECT_EQ(DecideSchedule(plan, stages, kNow).kind, Kind::kUpgrade);
}

TEST(DecideSchedule, ADueHeadWaitsForItsStagingInsteadOfDownloadingDuringDowntime) {
  UpgradePlan plan = Plan({{"a", -5min}});
  std::map<std::string, StageRecord> stages = {{"a", {StageStatus::kInProgress, ""}}};
  ScheduleDecision d = DecideSchedule(plan, stages, kNow);
  EXPECT_EQ(d.kind, Kind::kWait);
  EXPECT_FALSE(d.at.has_value());
  stages["a"] = {StageStatus::kWaitingForBinary, "downloads are disabled"};
  d = DecideSchedule(plan, stages, kNow);
  EXPECT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.reason, "downloads are disabled");
}

TEST(DecideSchedule, FailedStagingIsRefusedFirst) {
  UpgradePlan plan = Plan({{"a", -1s}, {"b", 1h}});
  std::map<std::string, StageRecord> stages = {{"a", {StageStatus::kStaged, ""}},
                                               {"b", {StageStatus::kFailed, "checksum"}}};
  ScheduleDecision d = DecideSchedule(plan, stages, kNow);
  EXPECT_EQ(d.kind, Kind::kRefuse);
  EXPECT_EQ(d.name, "b");
  EXPECT_EQ(d.reason, "checksum");
}

TEST(DecideSchedule, AHoldKeepsStagingButSwitchesNothing) {
  UpgradePlan plan = Plan({{"a", -1s}, {"b", 1h}});
  std::map<std::string, StageRecord> stages = {{"a", {StageStatus::kStaged, ""}}};
  ScheduleDecision d = DecideSchedule(plan, stages, kNow, /*held=*/true);
  EXPECT_EQ(d.kind, Kind::kStage) << "downloads go on while held";
  EXPECT_EQ(d.name, "b");
  stages["b"] = {StageStatus::kStaged, ""};
  d = DecideSchedule(plan, stages, kNow, /*held=*/true);
  EXPECT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.name, "a");
  EXPECT_EQ(d.reason, "held");
  EXPECT_FALSE(d.at.has_value()) << "nothing to wake up for until resumed";
  EXPECT_EQ(DecideSchedule(plan, stages, kNow, /*held=*/false).kind, Kind::kUpgrade);
}

}  // namespace
}  // namespace nymvisor
