#include "agent/decide/fleet_writes.h"

#include <gtest/gtest.h>

#include "agent/decide/fleet_view.h"

namespace nymvisor {
namespace {

using Op = FleetWrite::Op;
const Timestamp kT0 = Timestamp(std::chrono::seconds(1'800'000'000));

FleetKeys Keys() { return *FleetKeys::For("eu"); }
FleetWriter Me(bool canary = false) {
  return FleetWriter{.holder = "me@m", .version = "1.2.0", .canary = canary, .now = kT0};
}

/// The view after applying `writes` to `kvs` (puts get revision `rev`).
FleetView Apply(std::vector<FleetKv> kvs, const std::vector<FleetWrite>& writes, int64_t rev) {
  for (const FleetWrite& w : writes) {
    std::erase_if(kvs, [&](const FleetKv& kv) { return kv.key == w.key; });
    if (w.op != Op::kDelete) {
      kvs.push_back({w.key, w.value, rev, w.op == Op::kPutWithLease ? "L" : ""});
    }
  }
  return BuildFleetView(Keys(), rev, kvs);
}

TEST(FleetWrites, ALifeCycleLeavesOnlyTheDoneMark) {
  FleetView view = Apply({}, TakeSlotWrites(Keys(), Me()), 2);
  ASSERT_EQ(view.slots.size(), 1u);
  EXPECT_EQ(view.slots[0].version, "1.2.0");
  FleetSelf self{.holder = "me@m", .lease = "L", .target_version = "1.2.0", .now = kT0};
  FleetDecision d = DecideFleet(view, self);
  ASSERT_EQ(d.action, FleetAction::kProceed);
  EXPECT_TRUE(d.write_progress);
  std::vector<FleetKv> kvs = {{Keys().Slot("me@m"), FleetSlotValue("1.2.0", kT0, false), 2, "L"}};
  auto progress = ProgressWrites(Keys(), Me());
  view = Apply(kvs, progress, 3);
  EXPECT_EQ(view.progress.size(), 1u);
  EXPECT_EQ(DecideFleet(view, self).action, FleetAction::kProceed);
  EXPECT_FALSE(DecideFleet(view, self).write_progress);
  kvs.push_back({Keys().Progress("me@m"), progress[0].value, 3, ""});
  view = Apply(kvs, CommitWrites(Keys(), Me(), view), 4);
  EXPECT_TRUE(view.slots.empty());
  EXPECT_TRUE(view.progress.empty());
  ASSERT_EQ(view.done.size(), 1u);
  EXPECT_EQ(view.done[0].holder, "me@m");
}

TEST(FleetWrites, GivingBackDeletesSlotAndMarkInOneTransaction) {
  // No list deletes the slot without the mark: that would read as an expiry.
  for (const auto& writes :
       {CommitWrites(Keys(), Me(), {}), RollbackWrites(Keys(), Me(), "health check failed")}) {
    bool slot = false, mark = false;
    for (const FleetWrite& w : writes) {
      slot = slot || (w.op == Op::kDelete && w.key == Keys().Slot("me@m"));
      mark = mark || (w.op == Op::kDelete && w.key == Keys().Progress("me@m"));
    }
    EXPECT_TRUE(slot && mark);
  }
}

TEST(FleetWrites, ARollbackHaltsTheVersionForEveryoneElse) {
  FleetView view = Apply({}, RollbackWrites(Keys(), Me(), "health check failed"), 5);
  ASSERT_EQ(view.halts.size(), 1u);
  EXPECT_EQ(view.halts[0].cause, FleetHaltCause::kRollback);
  EXPECT_EQ(view.halts[0].holder, "me@m");
  EXPECT_EQ(view.halts[0].reason, "health check failed");
  FleetSelf other{.holder = "o@m", .lease = "L2", .target_version = "1.2.0", .now = kT0};
  EXPECT_EQ(DecideFleet(view, other).action, FleetAction::kHalted);
  other.target_version = "1.2.1";
  EXPECT_EQ(DecideFleet(view, other).action, FleetAction::kTakeSlot);
}

TEST(FleetWrites, TheReturningHolderClearsOnlyItsOwnExpiryHalt) {
  std::vector<FleetKv> kvs = {{Keys().Progress("me@m"), FleetProgressValue("1.2.0", kT0), 3, ""}};
  FleetView view = BuildFleetView(Keys(), 4, kvs);
  FleetHalt implied = EffectiveHalts(view).at(0);
  auto halt_writes = ImpliedHaltWrites(Keys(), implied);
  kvs.push_back({halt_writes[0].key, halt_writes[0].value, 5, ""});
  view = BuildFleetView(Keys(), 5, kvs);
  view = Apply(kvs, CommitWrites(Keys(), Me(), view), 6);
  EXPECT_TRUE(view.halts.empty());
  EXPECT_TRUE(EffectiveHalts(view).empty());
  // Someone else's halt of the same version stays.
  FleetHalt theirs{.version = "1.2.0", .cause = FleetHaltCause::kRollback, .holder = "o@m"};
  std::vector<FleetKv> other = {{Keys().Halt("1.2.0"), FleetHaltValue(theirs), 3, ""}};
  view = Apply(other, CommitWrites(Keys(), Me(), BuildFleetView(Keys(), 3, other)), 4);
  EXPECT_EQ(view.halts.size(), 1u);
}

TEST(FleetWrites, ClearHaltRemovesTheHaltAndItsOrphanMarksOnly) {
  std::vector<FleetKv> kvs = {
      {Keys().Halt("1.2.0"), "{}", 2, ""},
      {Keys().Progress("dead@m"), FleetProgressValue("1.2.0", kT0), 3, ""},
      {Keys().Progress("live@m"), FleetProgressValue("1.2.0", kT0), 4, ""},
      {Keys().Slot("live@m"), FleetSlotValue("1.2.0", kT0, false), 1, "L"},
      {Keys().Progress("old@m"), FleetProgressValue("1.1.0", kT0), 5, ""},
  };
  FleetView before = BuildFleetView(Keys(), 6, kvs);
  FleetView after = Apply(kvs, ClearHaltWrites(Keys(), before, "1.2.0"), 7);
  EXPECT_TRUE(after.halts.empty());
  std::vector<std::string> marks;
  for (const FleetProgress& p : after.progress) marks.push_back(p.holder);
  std::sort(marks.begin(), marks.end());
  EXPECT_EQ(marks, (std::vector<std::string>{"live@m", "old@m"}));
}

TEST(FleetWrites, CanaryRegistrationFollowsTheConfig) {
  FleetView none;
  FleetView registered{.canaries = {"me@m"}};
  EXPECT_EQ(CanaryRegistrationWrites(Keys(), none, Me(true)).size(), 1u);
  EXPECT_EQ(CanaryRegistrationWrites(Keys(), none, Me(true))[0].op, Op::kPut);
  EXPECT_TRUE(CanaryRegistrationWrites(Keys(), registered, Me(true)).empty());
  EXPECT_TRUE(CanaryRegistrationWrites(Keys(), none, Me(false)).empty());
  auto leave = CanaryRegistrationWrites(Keys(), registered, Me(false));
  ASSERT_EQ(leave.size(), 1u);
  EXPECT_EQ(leave[0], (FleetWrite{.op = Op::kDelete, .key = Keys().Canary("me@m")}));
}

}  // namespace
}  // namespace nymvisor
