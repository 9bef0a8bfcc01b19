// The agent's schedule rules (shell/agent_policy.cc) over the fakes: a due
// upgrade waits for its window, its release age and its spread.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/base/message_ids.h"
#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using AgentPolicyTest = testing::AgentFixture;

// The fixture's clock starts at 2026-11-26 12:00 UTC.
TEST_F(AgentPolicyTest, ADueUpgradeWaitsForItsWindowAndSaysSo) {
  config_.nymvisor.upgrade_windows = {"14:00-16:00"};
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Count(message_ids::kUpgradeStaged), 1) << "staged while it waits";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "not outside the window";
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.waiting_for, "window");
  ASSERT_TRUE(s.next_upgrade_time.has_value());
  EXPECT_EQ(*s.next_upgrade_time, clock_.Now() + 2h);
  EXPECT_NE(notifier_.events.back().find("waiting for its maintenance window"), std::string::npos)
      << notifier_.events.back();
  scheduler_.Advance(2h);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "applied when the window opens";
}

TEST_F(AgentPolicyTest, TheWindowsAreReadInTheirTimeZone) {
  // Fixed at UTC+2 for the test: 14:00 local is 12:00 UTC, now.
  class PlusTwo : public TimeZones {
   public:
    Result<ZoneOffsets> Offsets(std::string_view, Timestamp from, Timestamp to) override {
      return ZoneOffsets{{from, to + 1s, 2h}};
    }
  };
  static PlusTwo zones;
  config_.nymvisor.upgrade_windows = {"14:00-16:00"};
  config_.nymvisor.upgrade_time_zone = "Europe/Athens";
  zones_ = &zones;
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "14:00 at UTC+2 is now";
}

TEST_F(AgentPolicyTest, AReloadReplansAWaitingUpgrade) {
  config_.nymvisor.upgrade_windows = {"Mon 02:00-03:00"};
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(agent_->Snapshot().waiting_for, "window");
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  reloaded_config_ = config_;
  reloaded_config_.nymvisor.upgrade_windows.clear();
  ASSERT_TRUE(agent_->Reload().ok());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "no window left: it goes at once";
}

TEST_F(AgentPolicyTest, TheFirstSightingOfARecordWithoutPublishDateSurvivesARestart) {
  config_.nymvisor.min_release_age = 2h;
  Publish(-1h);  // no publishDate
  StartAgent();
  Timestamp first = clock_.Now();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.waiting_for, "release-age");
  EXPECT_EQ(s.next_upgrade_time, first + 2h);
  scheduler_.Advance(1h);
  agent_->Stop([] {});  // as SIGTERM does: its timers go with it
  agent_.reset();
  StartAgent();
  EXPECT_EQ(agent_->Snapshot().next_upgrade_time, first + 2h) << "the wait did not restart";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  scheduler_.Advance(1h);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
}

TEST_F(AgentPolicyTest, TheSpreadDelaysByThisInstancesOffset) {
  config_.nymvisor.rollout_spread = 6h;
  machine_id_ = "0123456789abcdef0123456789abcdef";
  Duration offset = RolloutOffset(RolloutHash(machine_id_, config_.nymvisor.id), 6h);
  Publish(0s);
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.waiting_for, offset > 0s ? "spread" : "");
  EXPECT_EQ(s.next_upgrade_time, clock_.Now() + offset);
}

TEST_F(AgentPolicyTest, AHoldShowsAsHeldWithNoTime) {
  Publish(-1h);
  StartAgent();
  systemd_.Finish();
  systemd_.Finish();
  scheduler_.Advance(31s);
  ASSERT_EQ(Count(message_ids::kUpgradeSucceeded), 1);
  PublishAs("v3", "1.3.0", std::string(10'000, 'x'));
  ASSERT_TRUE(agent_->Hold("test", "root").ok());
  scheduler_.Advance(2h);
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.next_upgrade, "v3");
  EXPECT_EQ(s.waiting_for, "held");
  EXPECT_FALSE(s.next_upgrade_time.has_value());
}

}  // namespace
}  // namespace nymvisor
