#include "agent/decide/upgrade_policy.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "tests/support/builders.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::Upgrade;

const Timestamp kDue = Timestamp() + 1000h;  // a midnight, UTC

UpgradePolicy Windowed(std::vector<TimeInterval> startable, Duration spread, uint64_t hash) {
  return {
      .windowed = true, .startable = std::move(startable), .spread = spread, .rollout_hash = hash};
}

constexpr uint64_t kHalf = uint64_t{1} << 63;

TEST(RolloutHash, IsStableAndDependsOnBothIds) {
  EXPECT_EQ(RolloutHash("abc", "nym-node-default"), RolloutHash("abc", "nym-node-default"));
  EXPECT_NE(RolloutHash("abc", "nym-node-default"), RolloutHash("abd", "nym-node-default"));
  EXPECT_NE(RolloutHash("abc", "a"), RolloutHash("abc", "b"));
  EXPECT_NE(RolloutHash("ab", "c"), RolloutHash("a", "bc"));
}

TEST(RolloutOffset, SpreadsAFleetEvenlyOverTheSpread) {
  std::array<int, 10> deciles{};
  for (int i = 0; i < 10000; ++i) {
    Duration offset = RolloutOffset(RolloutHash("machine-" + std::to_string(i), "id"), 10h);
    ASSERT_GE(offset, 0h);
    ASSERT_LT(offset, 10h);
    ++deciles[std::chrono::duration_cast<std::chrono::hours>(offset).count()];
  }
  for (int count : deciles) {
    EXPECT_GT(count, 800);
    EXPECT_LT(count, 1200);
  }
}

TEST(PlanStart, WithNothingSetStartsWhenDue) {
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, {}, kDue);
  EXPECT_EQ(plan.at, kDue);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kNone);
}

TEST(PlanStart, AYoungReleaseWaitsOutItsAge) {
  UpgradeInfo info = Upgrade("a", "", kDue);
  info.publish_date = kDue - 1h;
  PlannedStart plan = PlanStart(info, std::nullopt, {.min_release_age = 3h}, kDue);
  EXPECT_EQ(plan.at, kDue + 2h);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kReleaseAge);
  EXPECT_EQ(PlanStart(info, std::nullopt, {.min_release_age = 3h}, kDue + 2h).waiting_for,
            WaitingFor::kNone);
}

TEST(PlanStart, WithoutAPublishDateTheFirstSightingCounts) {
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), kDue + 1h, {.min_release_age = 1h}, kDue);
  EXPECT_EQ(plan.at, kDue + 2h);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kReleaseAge);
}

TEST(PlanStart, TheSpreadDelaysByTheInstancesOffset) {
  PlannedStart plan =
      PlanStart(Upgrade("a", "", kDue), std::nullopt, {.spread = 4h, .rollout_hash = kHalf}, kDue);
  EXPECT_EQ(plan.at, kDue + 2h);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kSpread);
}

TEST(PlanStart, BeforeUpgradeTimeItIsAPlainWait) {
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, {}, kDue - 1h);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kNone);
  EXPECT_EQ(plan.at, kDue);
}

TEST(StartableTimes, EachWindowLosesWhatAnUpgradeNeedsAndTooShortOnesGo) {
  const Timestamp midnight = *ParseTimestamp("2026-12-07T00:00:00Z");
  std::vector<WindowSpec> windows = {*ParseWindowSpec("02:00-04:00"),
                                     *ParseWindowSpec("06:00-06:05")};
  ZoneOffsets utc = {{midnight - 72h, midnight + 72h, 0s}};
  std::vector<TimeInterval> startable =
      StartableTimes(windows, utc, midnight, midnight + 24h, 10min);
  ASSERT_EQ(startable.size(), 1u) << "06:00-06:05 cannot hold a 10 min upgrade";
  EXPECT_EQ(startable[0].begin, midnight + 2h);
  EXPECT_EQ(startable[0].end, midnight + 4h - 10min) << "an upgrade begun inside ends inside";
  ZoneOffsets plus_two = {{midnight - 72h, midnight + 72h, 2h}};
  EXPECT_EQ(StartableTimes(windows, plus_two, midnight, midnight + 24h, 10min).at(0).begin,
            midnight)
      << "02:00 at UTC+2 is 00:00 UTC";
}

TEST(PlanStart, ADueUpgradeWaitsForTheNextWindow) {
  UpgradePolicy policy = Windowed({{kDue + 2h, kDue + 4h}}, 0s, kHalf);
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue);
  EXPECT_EQ(plan.at, kDue + 2h);  // no spread: at the opening
  EXPECT_EQ(plan.waiting_for, WaitingFor::kWindow);
  EXPECT_EQ(PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue + 3h).waiting_for,
            WaitingFor::kNone);
}

TEST(PlanStart, TheSpreadNeverLeavesTheWindows) {
  // Two one-hour windows inside a 10 h spread: half the startable time is
  // the end of the first window.
  UpgradePolicy policy = Windowed({{kDue + 1h, kDue + 2h}, {kDue + 5h, kDue + 6h}}, 10h, kHalf);
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue);
  EXPECT_EQ(plan.at, kDue + 5h);
  for (uint64_t hash : {uint64_t{0}, kHalf / 3, kHalf + kHalf / 2, ~uint64_t{0}}) {
    policy.rollout_hash = hash;
    Timestamp at = *PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue).at;
    bool inside = (at >= kDue + 1h && at < kDue + 2h) || (at >= kDue + 5h && at < kDue + 6h);
    EXPECT_TRUE(inside) << (at - kDue).count();
  }
}

TEST(PlanStart, WithNoWindowInTheSpreadItUsesTheFirstOneAfter) {
  UpgradePolicy policy = Windowed({{kDue + 20h, kDue + 22h}}, 1h, kHalf);
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue);
  EXPECT_EQ(plan.at, kDue + 20h + 30min);  // the offset, from the window's opening
  EXPECT_EQ(plan.waiting_for, WaitingFor::kWindow);
}

TEST(PlanStart, AgeWindowAndSpreadTogether) {
  UpgradeInfo info = Upgrade("a", "", kDue);
  info.publish_date = kDue;
  UpgradePolicy policy = Windowed({{kDue + 2h, kDue + 4h}, {kDue + 26h, kDue + 28h}}, 4h, 0);
  policy.min_release_age = 3h;
  PlannedStart plan = PlanStart(info, std::nullopt, policy, kDue + 1h);
  EXPECT_EQ(plan.due, kDue + 3h);
  EXPECT_EQ(plan.at, kDue + 3h);  // offset 0: the first startable minute after the age
  EXPECT_EQ(plan.waiting_for, WaitingFor::kReleaseAge);
  policy.min_release_age = 5h;
  EXPECT_EQ(PlanStart(info, std::nullopt, policy, kDue + 1h).at, kDue + 26h);
}

TEST(PlanStart, InsideAWindowTheSpreadIsWhatItWaitsFor) {
  UpgradePolicy policy = Windowed({{kDue, kDue + 4h}}, 2h, kHalf);
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue);
  EXPECT_EQ(plan.at, kDue + 1h);
  EXPECT_EQ(plan.waiting_for, WaitingFor::kSpread);
}

TEST(PlanStart, NoWindowInReachLeavesNoTime) {
  UpgradePolicy policy = Windowed({}, 0s, 0);
  PlannedStart plan = PlanStart(Upgrade("a", "", kDue), std::nullopt, policy, kDue);
  EXPECT_FALSE(plan.at.has_value());
  EXPECT_EQ(plan.waiting_for, WaitingFor::kWindow);
}

TEST(WaitingForName, NamesEachReason) {
  EXPECT_EQ(WaitingForName(WaitingFor::kWindow), "window");
  EXPECT_EQ(WaitingForName(WaitingFor::kReleaseAge), "release-age");
  EXPECT_EQ(WaitingForName(WaitingFor::kHeld), "held");
}

}  // namespace
}  // namespace nymvisor
