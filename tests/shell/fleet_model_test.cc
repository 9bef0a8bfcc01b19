// The fleet's model test: 3 hosts, each an agent with its own fakes (an
// UpgradeWorld: fake systemd, host, clock, scheduler, worker), over ONE
// shared FakeEtcd, driven by a seeded scheduler that interleaves their
// events and injects faults: agent deaths and power cuts at any point and
// at every step of StepTable() (crash hooks), etcd unreachable for a
// while, a hung agent whose lease expires, a host whose v2 fails its health
// check. After every event the promises of docs/fleet.md ("What is
// guaranteed") are checked against the fakes' truth:
//  - at most max_unavailable hosts are past taking-slot with the slot's
//    effects in flight, and at most that many nodes are down for it;
//  - once a host rolled v2 back, no other host starts upgrading to it;
//  - while a host's upgrade touches its node, its slot and progress keys
//    are in etcd (given back only after the commit or failure was recorded),
//    unless its lease was let expire (then the orphan mark halts the group);
//  - an agent restart never loses the lease (no orphan mark without a hang);
//  - a non-canary leaves taking-slot only after the canary committed and
//    the soak passed.
// At the end every host finished, or waits in taking-slot behind a rollback's
// halt, and no slot is held. A failure prints the seed and the event trace;
// NYMVISOR_MODEL_SEED=<n> runs only that seed.
#include "tests/support/fleet_model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <set>

namespace nymvisor {
namespace {

using testing::FaultKind;
using testing::Model;
using testing::RunSpec;
using testing::Tally;

TEST(FleetModelTest, RandomSchedulesKeepEveryPromise) {
  Tally tally;
  uint32_t from = 1, to = 160;
  if (const char* only = std::getenv("NYMVISOR_MODEL_SEED")) from = to = std::atoi(only);
  for (uint32_t seed = from; seed <= to; ++seed) {
    Model model(RunSpec{.seed = seed, .max_unavailable = 1 + seed % 2}, tally);
    model.Run();
    if (model.failed()) break;
  }
  if (from != to) {
    EXPECT_GT(tally.committed, 100);
    EXPECT_GT(tally.rollbacks, 10);
    EXPECT_GT(tally.halted_waiters, 10);
    EXPECT_GT(tally.kills + tally.power_cuts + tally.crash_hooks, 100);
    EXPECT_GT(tally.etcd_outages, 20);
    EXPECT_GT(tally.hangs, 20);
    EXPECT_GT(tally.hung_then_committed, 10) << "a hung holder came back and cleared its halt";
    EXPECT_GT(tally.restarts_with_key, 100) << "restarts of an agent whose slot key is in etcd";
    EXPECT_GT(tally.orphans, 10) << "runs where a hung holder's lease expired mid-upgrade";
    std::cout << "runs " << tally.runs << ", committed " << tally.committed << ", rolled back "
              << tally.rollbacks << ", left waiting " << tally.halted_waiters << ", kills "
              << tally.kills << ", power cuts " << tally.power_cuts << ", crash hooks "
              << tally.crash_hooks << ", etcd outages " << tally.etcd_outages << ", hangs "
              << tally.hangs << " (" << tally.hung_then_committed
              << " came back and committed), orphan marks " << tally.orphans
              << ", restarts with a slot key " << tally.restarts_with_key << "\n";
  }
}

TEST(FleetModelTest, EveryStepTimesEveryFault) {
  Tally tally;
  uint32_t seed = 1000;
  std::set<std::string> hooked;
  for (const StepSpec& row : StepTable()) {
    for (bool done : {false, true}) {
      std::string point = (done ? "done:" : "enter:") + std::string(row.name);
      for (FaultKind f : {FaultKind::kNone, FaultKind::kPowerCut, FaultKind::kEtcdDown,
                          FaultKind::kLeaseExpiry}) {
        for (int outcome : {0, 1, 2}) {  // v2 healthy, unhealthy, its backup fails
          Model model(RunSpec{.seed = ++seed,
                              .crash_at = CrashPoint{row.step, done},
                              .unhealthy0 = outcome == 1,
                              .backup_fails0 = outcome == 2,
                              .fault = f},
                      tally);
          model.Run();
          ASSERT_FALSE(model.failed()) << "crash at " << point;
          if (model.hooked()) hooked.insert(point);
        }
      }
    }
  }
  // Every step a fleet upgrade of genesis to v2 passes through died at least
  // once; the operator's rollback (restoring-previous) is not on this path.
  for (const StepSpec& row : StepTable()) {
    if (row.step == UpgradeStep::kRestoringPrevious) continue;
    for (const char* when : {"enter:", "done:"}) {
      EXPECT_TRUE(hooked.count(when + std::string(row.name)))
          << "never died at " << when << row.name;
    }
  }
}

TEST(FleetModelTest, WithoutEndpointsNothingChanges) {
  testing::UpgradeWorld world(testing::UpgradePath{.name = "alone"});
  world.NewAgent(std::nullopt, false);
  world.Begin();
  world.DriveToTheEnd(false);
  world.CheckPromises();
  for (UpgradeStep s :
       {UpgradeStep::kTakingSlot, UpgradeStep::kReleasingSlot, UpgradeStep::kHalting}) {
    EXPECT_FALSE(world.visited_.count(s)) << StepName(s);
  }
  EXPECT_EQ(world.etcd_.calls(), 0) << "no etcd call";
}

}  // namespace
}  // namespace nymvisor
