// DecideFleet over every shape of a group's read: slots, ranks and ties,
// canaries and soak, halts (written and implied by orphan marks), restart
// adoption, and max_unavailable changing between calls.
#include "agent/decide/fleet_rollout.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = Timestamp(std::chrono::seconds(1'800'000'000));
const std::string kV = "1.2.0";
const std::string kOld = "1.1.0";
const std::string kMe = "me@00000000000000000000000000000001";

FleetSlot Slot(std::string holder, int64_t rev, std::string version = kV, std::string lease = "") {
  if (lease.empty()) lease = "L-" + holder;
  return FleetSlot{.holder = std::move(holder),
                   .create_revision = rev,
                   .lease = std::move(lease),
                   .version = std::move(version),
                   .since = kT0};
}

FleetProgress Mark(std::string holder, std::string version = kV) {
  return FleetProgress{.holder = std::move(holder), .version = std::move(version), .since = kT0};
}

FleetHalt Halt(std::string version, FleetHaltCause cause = FleetHaltCause::kRollback,
               std::string holder = "other") {
  return FleetHalt{.version = std::move(version),
                   .cause = cause,
                   .reason = "health check failed",
                   .holder = std::move(holder),
                   .time = kT0};
}

FleetDone Done(std::string holder, Timestamp at, std::string version = kV) {
  return FleetDone{.version = std::move(version), .holder = std::move(holder), .committed = at};
}

FleetSelf Me(uint64_t max_unavailable = 1) {
  return FleetSelf{.holder = kMe,
                   .lease = "L-" + kMe,
                   .max_unavailable = max_unavailable,
                   .target_version = kV,
                   .now = kT0 + 1h};
}

struct Case {
  std::string name;
  FleetView view;
  FleetSelf self;
  FleetAction action;
  bool withdraw = false;
  bool write_progress = false;
  bool write_halt = false;
};

std::vector<Case> Cases() {
  FleetSelf canary = Me();
  canary.canary = true;
  FleetSelf two = Me(2);
  FleetSelf restarted = Me();
  restarted.lease = "";
  FleetSelf soaking = Me();
  soaking.soak = 2h;
  return {
      {"empty group: ask", {}, Me(), FleetAction::kTakeSlot},
      {"first in queue: go", {.slots = {Slot(kMe, 5)}}, Me(), FleetAction::kProceed, false, true},
      {"second with one slot: wait",
       {.slots = {Slot("a", 4), Slot(kMe, 5)}},
       Me(),
       FleetAction::kWaitForSlot},
      {"second with two slots: go",
       {.slots = {Slot("a", 4), Slot(kMe, 5)}},
       two,
       FleetAction::kProceed,
       false,
       true},
      {"others hold every slot: ask (queue)",
       {.slots = {Slot("a", 4), Slot("b", 6)}},
       two,
       FleetAction::kTakeSlot},
      {"own key from before a restart: adopt",
       {.slots = {Slot(kMe, 5)}},
       restarted,
       FleetAction::kAlreadyHolding},
      {"own key queued from before a restart: adopt",
       {.slots = {Slot("a", 4), Slot(kMe, 5)}},
       restarted,
       FleetAction::kAlreadyHolding},
      {"own key for an older version: withdraw and ask",
       {.slots = {Slot(kMe, 5, kOld)}},
       Me(),
       FleetAction::kTakeSlot,
       true},
      {"halt of the version", {.halts = {Halt(kV)}}, Me(), FleetAction::kHalted},
      {"halt of the version withdraws a queued key",
       {.slots = {Slot(kMe, 5)}, .halts = {Halt(kV)}},
       Me(),
       FleetAction::kHalted,
       true},
      {"rollback halt of another version does not block",
       {.halts = {Halt(kOld)}},
       Me(),
       FleetAction::kTakeSlot},
      {"operator halt of another version does not block",
       {.halts = {Halt(kOld, FleetHaltCause::kOperator)}},
       Me(),
       FleetAction::kTakeSlot},
      {"lease-expiry halt of another version blocks the group",
       {.halts = {Halt(kOld, FleetHaltCause::kLeaseExpired)}},
       Me(),
       FleetAction::kHalted},
      {"orphan mark implies a halt to write",
       {.progress = {Mark("a")}},
       Me(),
       FleetAction::kHalted,
       false,
       false,
       true},
      {"orphan mark of another version halts the group",
       {.progress = {Mark("a", kOld)}},
       Me(),
       FleetAction::kHalted,
       false,
       false,
       true},
      {"orphan mark already written as a halt",
       {.progress = {Mark("a")}, .halts = {Halt(kV, FleetHaltCause::kLeaseExpired, "a")}},
       Me(),
       FleetAction::kHalted},
      {"mark with its slot is no orphan",
       {.slots = {Slot("a", 4)}, .progress = {Mark("a")}},
       Me(),
       FleetAction::kTakeSlot},
      {"own mark with its slot: carry on",
       {.slots = {Slot(kMe, 5)}, .progress = {Mark(kMe)}},
       Me(),
       FleetAction::kProceed},
      {"own mark with its slot after a restart: adopt",
       {.slots = {Slot(kMe, 5)}, .progress = {Mark(kMe)}},
       restarted,
       FleetAction::kAlreadyHolding},
      {"own mark beyond the rank still carries on",
       {.slots = {Slot("a", 4), Slot(kMe, 5)}, .progress = {Mark(kMe)}},
       Me(),
       FleetAction::kProceed},
      {"own orphan mark: resume under its own halt",
       {.progress = {Mark(kMe)}},
       restarted,
       FleetAction::kProceed,
       false,
       false,
       true},
      {"own orphan mark, halt written: resume",
       {.progress = {Mark(kMe)}, .halts = {Halt(kV, FleetHaltCause::kLeaseExpired, kMe)}},
       restarted,
       FleetAction::kProceed},
      {"canary ignores other canaries", {.canaries = {"c1", kMe}}, canary, FleetAction::kTakeSlot},
      {"canary is halted like anyone",
       {.halts = {Halt(kV)}, .canaries = {kMe}},
       canary,
       FleetAction::kHalted},
      {"canary missing: wait",
       {.done = {Done("c1", kT0)}, .canaries = {"c1", "c2"}},
       Me(),
       FleetAction::kWaitForCanaries},
      {"canary done for another version only: wait",
       {.done = {Done("c1", kT0, kOld)}, .canaries = {"c1"}},
       Me(),
       FleetAction::kWaitForCanaries},
      {"canaries done, no soak: ask",
       {.done = {Done("c1", kT0), Done("c2", kT0 + 30min)}, .canaries = {"c1", "c2"}},
       Me(),
       FleetAction::kTakeSlot},
      {"canaries done, soak running: wait",
       {.done = {Done("c1", kT0), Done("c2", kT0 + 30min)}, .canaries = {"c1", "c2"}},
       soaking,
       FleetAction::kWaitForSoak},
      {"queued key while a canary is missing: withdraw",
       {.slots = {Slot("a", 4), Slot(kMe, 5)}, .canaries = {"c1"}},
       Me(),
       FleetAction::kWaitForCanaries,
       true},
      {"ranked key goes even if a canary appeared later",
       {.slots = {Slot(kMe, 5)}, .canaries = {"c1"}},
       Me(),
       FleetAction::kProceed,
       false,
       true},
      {"queued key behind a canary's slot: wait for the canary",
       {.slots = {Slot("c1", 4, kV), Slot(kMe, 5)}, .canaries = {"c1"}},
       Me(),
       FleetAction::kWaitForCanaries,
       true},
      {"a non-canary's own registration is ignored",
       {.canaries = {kMe}},
       Me(),
       FleetAction::kTakeSlot},
  };
}

TEST(FleetRollout, EveryCaseDecidesAsDocumented) {
  for (const Case& c : Cases()) {
    FleetDecision d = DecideFleet(c.view, c.self);
    EXPECT_EQ(d.action, c.action) << c.name << ": " << DescribeFleetDecision(d);
    EXPECT_EQ(d.withdraw, c.withdraw) << c.name;
    EXPECT_EQ(d.write_progress, c.write_progress) << c.name;
    EXPECT_EQ(d.write_halt, c.write_halt) << c.name;
    EXPECT_FALSE(DescribeFleetDecision(d).empty()) << c.name;
  }
}

TEST(FleetRollout, RankIsByCreateRevisionThenHolder) {
  FleetView view{.slots = {Slot("c", 7), Slot("b", 3), Slot("a", 7), Slot("d", 9)}};
  std::vector<std::string> order;
  for (const FleetSlot& s : RankedSlots(view, 10)) order.push_back(s.holder);
  EXPECT_EQ(order, (std::vector<std::string>{"b", "a", "c", "d"}));
  EXPECT_EQ(RankedSlots(view, 2).size(), 2u);
  EXPECT_EQ(RankedSlots(view, 2)[1].holder, "a");
}

TEST(FleetRollout, TiedRevisionsRankTheSameForEveryReader) {
  // Two keys created in one transaction share a revision: every agent must
  // agree who holds the one slot, whatever order the read listed them in.
  FleetView one{.slots = {Slot(kMe, 5), Slot("a", 5)}};
  FleetView other{.slots = {Slot("a", 5), Slot(kMe, 5)}};
  EXPECT_EQ(DecideFleet(one, Me()).action, FleetAction::kWaitForSlot);
  EXPECT_EQ(DecideFleet(other, Me()).action, FleetAction::kWaitForSlot);
  EXPECT_EQ(DecideFleet(one, Me()).holders, (std::vector<std::string>{"a"}));
}

TEST(FleetRollout, MaxUnavailableIsReadAtEachCall) {
  FleetView view{.slots = {Slot("a", 1), Slot("b", 2), Slot(kMe, 3), Slot("d", 4)}};
  for (uint64_t n = 1; n <= 5; ++n) {
    FleetDecision d = DecideFleet(view, Me(n));
    EXPECT_EQ(d.action, n >= 3 ? FleetAction::kProceed : FleetAction::kWaitForSlot) << n;
    if (d.action == FleetAction::kWaitForSlot) {
      EXPECT_EQ(d.holders.size(), n);
    }
  }
}

TEST(FleetRollout, SoakEndsExactlyAtTheLastCanaryCommitPlusSoak) {
  FleetView view{.done = {Done("c1", kT0), Done("c2", kT0 + 10min)}, .canaries = {"c1", "c2"}};
  FleetSelf self = Me();
  self.soak = 1h;
  const Timestamp end = kT0 + 10min + 1h;
  for (Duration offset : std::vector<Duration>{-1h, -1s, -1ns, 0ns, 1ns, 1h}) {
    self.now = end + offset;
    FleetDecision d = DecideFleet(view, self);
    if (offset < 0ns) {
      EXPECT_EQ(d.action, FleetAction::kWaitForSoak) << offset.count();
      EXPECT_EQ(d.until, end);
    } else {
      EXPECT_EQ(d.action, FleetAction::kTakeSlot) << offset.count();
    }
  }
}

TEST(FleetRollout, WaitForCanariesNamesExactlyTheMissingOnes) {
  FleetView view{.done = {Done("c2", kT0), Done("x", kT0)}, .canaries = {"c3", "c1", "c2"}};
  EXPECT_EQ(DecideFleet(view, Me()).missing, (std::vector<std::string>{"c1", "c3"}));
}

TEST(FleetRollout, HaltsCarryWhatOperatorsNeed) {
  FleetView view{.progress = {Mark("a@m")}};
  FleetDecision d = DecideFleet(view, Me());
  ASSERT_TRUE(d.halt.has_value());
  EXPECT_EQ(d.halt->version, kV);
  EXPECT_EQ(d.halt->holder, "a@m");
  EXPECT_EQ(d.halt->cause, FleetHaltCause::kLeaseExpired);
  EXPECT_EQ(d.halt->time, kT0);
  EXPECT_NE(DescribeFleetDecision(d).find("clear-halt"), std::string::npos);
  // The version's own halt wins over a group-wide one, so status names it.
  view.halts = {Halt(kV, FleetHaltCause::kRollback, "b@m")};
  EXPECT_EQ(HaltBlocking(view, kV)->holder, "b@m");
}

TEST(FleetRollout, ProceedCarriesTheSlotAndAdoptionItsLease) {
  FleetView view{.slots = {Slot(kMe, 5, kV, "777")}};
  FleetSelf self = Me();
  self.lease = "";
  FleetDecision adopt = DecideFleet(view, self);
  ASSERT_EQ(adopt.action, FleetAction::kAlreadyHolding);
  EXPECT_EQ(adopt.slot->lease, "777");
  self.lease = adopt.slot->lease;
  FleetDecision go = DecideFleet(view, self);
  ASSERT_EQ(go.action, FleetAction::kProceed);
  EXPECT_EQ(go.slot->create_revision, 5);
}

TEST(FleetRollout, EffectiveHaltsAddOneHaltPerOrphanVersion) {
  FleetView view{.slots = {Slot("live", 1)},
                 .progress = {Mark("live"), Mark("dead1"), Mark("dead2"), Mark("dead3", kOld)},
                 .halts = {Halt(kOld)}};
  std::vector<FleetHalt> halts = EffectiveHalts(view);
  ASSERT_EQ(halts.size(), 2u);  // the written kOld one, one implied for kV
  EXPECT_EQ(halts[1].version, kV);
  EXPECT_EQ(halts[1].holder, "dead1");
}

}  // namespace
}  // namespace nymvisor
