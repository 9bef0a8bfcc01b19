#include "agent/decide/fleet_view.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = Timestamp(std::chrono::seconds(1'800'000'000));

TEST(FleetView, EveryValueReadsBackIntoTheView) {
  FleetKeys keys = *FleetKeys::For("eu");
  FleetHalt halt{.version = "1.2.0",
                 .cause = FleetHaltCause::kLeaseExpired,
                 .reason = "lease expired",
                 .holder = "b@m",
                 .time = kT0};
  std::vector<FleetKv> kvs = {
      {keys.Slot("a@m"), FleetSlotValue("1.2.0", kT0, true), 7, "2324035633543304969"},
      {keys.Progress("a@m"), FleetProgressValue("1.2.0", kT0 + 1s), 8, ""},
      {keys.Halt("1.2.0"), FleetHaltValue(halt), 9, "0"},
      {keys.Done("1.2.0", "c@m"), FleetDoneValue(true, kT0 + 2s), 10, ""},
      {keys.Canary("a@m"), FleetCanaryValue(kT0), 3, ""},
      {"nymvisor/fleet/us/slots/x@m", FleetSlotValue("1.2.0", kT0, false), 11, "5"},
  };
  FleetView view = BuildFleetView(keys, 12, kvs);
  EXPECT_EQ(view.revision, 12);
  EXPECT_EQ(view.slots, (std::vector<FleetSlot>{{.holder = "a@m",
                                                 .create_revision = 7,
                                                 .lease = "2324035633543304969",
                                                 .version = "1.2.0",
                                                 .since = kT0,
                                                 .canary = true}}));
  EXPECT_EQ(view.progress, (std::vector<FleetProgress>{{"a@m", "1.2.0", kT0 + 1s}}));
  EXPECT_EQ(view.halts, std::vector<FleetHalt>{halt});
  EXPECT_EQ(view.done, (std::vector<FleetDone>{{"1.2.0", "c@m", true, kT0 + 2s}}));
  EXPECT_EQ(view.canaries, std::vector<std::string>{"a@m"});
}

TEST(FleetView, UnreadableValuesFailSafe) {
  FleetKeys keys = *FleetKeys::For("eu");
  std::vector<FleetKv> kvs = {
      {keys.Slot("a@m"), "garbage", 7, "1"},
      {keys.Progress("b@m"), "", 8, ""},
      {keys.Halt("1.2.0"), "{", 9, ""},
      {keys.Done("1.2.0", "c@m"), "{\"canary\":true}", 10, ""},
  };
  FleetView view = BuildFleetView(keys, 12, kvs);
  ASSERT_EQ(view.slots.size(), 1u);  // still takes its rank
  EXPECT_EQ(view.slots[0].create_revision, 7);
  ASSERT_EQ(view.halts.size(), 1u);  // still halts its version
  EXPECT_EQ(view.halts[0].version, "1.2.0");
  EXPECT_FALSE(view.halts[0].reason.empty());
  EXPECT_TRUE(view.done.empty());  // a done mark without a time lets nobody go
  // An unreadable progress mark without a slot halts the whole group.
  FleetSelf self{.holder = "me@m", .lease = "L", .target_version = "2.0.0", .now = kT0};
  EXPECT_EQ(DecideFleet(view, self).action, FleetAction::kHalted);
}

}  // namespace
}  // namespace nymvisor
