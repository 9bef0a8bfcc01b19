// The agent in a fleet: the upgrade waits for its slot in taking-slot with
// the node untouched (hold and skip drop it there), takes the slot when it
// is free, and gives it back after the commit.

#include <gtest/gtest.h>

#include "agent/shell/agent.h"
#include "agent/shell/fleet_coordinator.h"
#include "tests/support/agent_fixture.h"
#include "tests/support/fake_etcd.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr char kRoot[] = "uid 0 (root)";
constexpr char kOther[] = "mixnode@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

class AgentFleetTest : public testing::AgentFixture {
 protected:
  AgentFleetTest() {
    config_.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379"};
    config_.nymvisor.fleet_group = "g";
    Make(mine_, "mixnode@" + std::string(32, 'a'));
    Make(other_, kOther);
    fleet_ = &*mine_;
  }
  void Make(std::optional<FleetCoordinator>& into, const std::string& holder) {
    into.emplace(FleetDeps{.etcd = etcd_,
                           .files = files_,
                           .record_file = holder == kOther ? dir_.path() / "other-slot.json"
                                                           : layout_.FleetSlotFile(),
                           .clock = clock_,
                           .scheduler = scheduler_,
                           .lane = FleetLane(worker_),
                           .log = log_},
                 FleetSettings{.group = "g", .holder = holder});
  }
  /// The other host holds the group's only slot.
  void OtherHolds() {
    other_->Start();
    bool go = false;
    other_->Ask("1.2.0", [&](const FleetAnswer& a) { go = a.proceed; });
    ASSERT_TRUE(go);
  }
  size_t Keys(const std::string& prefix) {
    return etcd_.Range({.key = prefix, .range_end = EtcdPrefixEnd(prefix)})->kvs.size();
  }
  std::string SlotsPrefix() { return FleetKeys::For("g")->SlotsPrefix(); }
  int Stops() { return Calls(std::string("stop ") + kUnit); }

  testing::FakeEtcd etcd_{clock_};
  std::optional<FleetCoordinator> mine_;
  std::optional<FleetCoordinator> other_;
};

TEST_F(AgentFleetTest, AnUpgradeWaitsForItsSlotWithTheNodeUntouchedAndAHoldDropsIt) {
  OtherHolds();
  Publish(-1h);
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  ASSERT_EQ(s.step, UpgradeStep::kTakingSlot);
  ASSERT_TRUE(s.fleet.has_value());
  EXPECT_EQ(s.fleet->waiting_for, "slot");
  EXPECT_EQ(s.fleet->group, "g");
  EXPECT_NE(FormatStatusLine(s).find("waits for a fleet slot"), std::string::npos)
      << FormatStatusLine(s);
  EXPECT_EQ(Stops(), 0);
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 0) << "still waiting: the other host holds the slot";
  ASSERT_TRUE(agent_->Hold("not now", kRoot).ok());
  EXPECT_FALSE(agent_->Snapshot().step.has_value()) << "the waiting upgrade was dropped";
  EXPECT_FALSE(records_.LoadState()->has_value());
  EXPECT_EQ(Keys(SlotsPrefix()), 1u) << "its queued slot key was withdrawn";
  ASSERT_TRUE(agent_->Resume(kRoot).ok());
  EXPECT_EQ(agent_->Snapshot().step, UpgradeStep::kTakingSlot) << "it asks again";
  bool released = false;
  other_->Release("1.2.0", true, [&](const Status& st) { released = st.ok(); });
  ASSERT_TRUE(released);
  scheduler_.Advance(2s);
  EXPECT_EQ(Stops(), 1) << "queued, it asks every 2 s: the slot is free, the node is stopped";
}

TEST_F(AgentFleetTest, ASkipDropsAnUpgradeWaitingForItsSlot) {
  OtherHolds();
  Publish(-1h);
  StartAgent();
  ASSERT_EQ(agent_->Snapshot().step, UpgradeStep::kTakingSlot);
  ASSERT_TRUE(agent_->Skip("v2", kRoot).ok());
  EXPECT_FALSE(agent_->Snapshot().step.has_value());
  EXPECT_EQ(LastEntryFor(*store_.LoadHistory(), "v2")->outcome, UpgradeOutcome::kSkipped);
  scheduler_.Advance(1h);
  EXPECT_EQ(Stops(), 0);
}

TEST_F(AgentFleetTest, AFreeSlotIsTakenAndGivenBackAfterTheCommit) {
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Stops(), 1) << "no one else holds the slot";
  EXPECT_TRUE(std::filesystem::exists(layout_.FleetSlotFile()));
  EXPECT_TRUE(agent_->Snapshot().fleet->phase == "in-progress");
  systemd_.Finish();  // stop
  systemd_.Finish();  // start
  scheduler_.Advance(31s);
  ASSERT_EQ(store_.LoadPlan()->current.name, "v2");
  EXPECT_FALSE(records_.LoadState()->has_value()) << "the upgrade is over";
  EXPECT_FALSE(std::filesystem::exists(layout_.FleetSlotFile())) << "the slot was given back";
  EXPECT_EQ(Keys(SlotsPrefix()), 0u);
  EXPECT_EQ(Keys(FleetKeys::For("g")->DonePrefix()), 1u) << "its done mark";
}

}  // namespace
}  // namespace nymvisor
