#include "agent/shell/agent.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/base/message_ids.h"
#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::NodeBuildInfo;

using testing::kBinUrl;
using testing::kInfoUrl;
using AgentTest = testing::AgentFixture;

TEST_F(AgentTest, StartsSubscribedAndReady) {
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  EXPECT_TRUE(systemd_.subscribed);
  EXPECT_EQ(Calls(std::string("watch ") + kUnit), 1);
  ASSERT_FALSE(notifier_.events.empty());
  auto ready = std::find_if(notifier_.events.begin(), notifier_.events.end(),
                            [](const std::string& e) { return e.starts_with("READY"); });
  ASSERT_NE(ready, notifier_.events.end());
  EXPECT_EQ(ready->rfind("READY idle, running 1.1.0", 0), 0u) << *ready;
  EXPECT_EQ(http_.requests.size(), 1u) << "upstream is checked once at start";
  EXPECT_EQ(notifier_.events.back(), "STATUS idle, running 1.1.0, next check 13:00 UTC");
}

TEST_F(AgentTest, StagesAheadOfTimeAndUpgradesAtTheUpgradeTime) {
  Publish(2h);
  StartAgent();
  EXPECT_EQ(Count(message_ids::kUpgradeQueued), 1);
  EXPECT_EQ(Count(message_ids::kUpgradeStaged), 1) << "staged right after queuing";
  EXPECT_TRUE(std::filesystem::exists(layout_.UpgradeBinary("v2")));
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "not before its time";
  EXPECT_NE(notifier_.events.back().find("next upgrade v2 (1.2.0) at 2026-11-26 14:00 UTC, staged"),
            std::string::npos)
      << notifier_.events.back();
  scheduler_.Advance(2h);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
  systemd_.Finish();  // stop
  systemd_.Finish();  // start
  scheduler_.Advance(31s);
  EXPECT_EQ(Count(message_ids::kUpgradeSucceeded), 1);
  EXPECT_EQ(store_.LoadPlan()->current.name, "v2");
  EXPECT_EQ(std::count_if(http_.requests.begin(), http_.requests.end(),
                          [](const HttpRequest& r) { return r.url == kBinUrl; }),
            1)
      << "downloaded once, ahead of time";
}

TEST_F(AgentTest, TheBackupNeverQueuesBehindATricklingPoll) {
  Publish(2h);
  StartAgent();
  fetch_worker_.inline_jobs = false;  // from now on a poll or download never ends
  scheduler_.Advance(1h);
  ASSERT_EQ(fetch_worker_.queued(), 1u) << "the 13:00 poll is in flight";
  scheduler_.Advance(1h);
  ASSERT_EQ(Calls(std::string("stop ") + kUnit), 1);
  systemd_.Finish();  // stop
  EXPECT_EQ(std::count(backups_.calls.begin(), backups_.calls.end(), "create v2"), 1)
      << "the backup ran while the poll still trickles";
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1) << "and the node is up again";
  EXPECT_EQ(fetch_worker_.queued(), 1u);
}

TEST_F(AgentTest, TheSnapshotFollowsAnUpgradeFromStagedToDone) {
  Publish(2h);
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.state, AgentState::kStaged);
  EXPECT_EQ(s.current_version, "1.1.0");
  EXPECT_EQ(s.current_upgrade, "genesis");
  EXPECT_EQ(s.next_upgrade, "v2");
  EXPECT_EQ(s.next_upgrade_version, "1.2.0");
  EXPECT_EQ(s.next_upgrade_time, clock_.Now() + 2h);
  EXPECT_TRUE(s.last_check_ok);
  EXPECT_EQ(s.last_check_result, "queued v2 (1.2.0)");
  EXPECT_EQ(s.last_check_time, clock_.Now());
  scheduler_.Advance(2h);
  EXPECT_EQ(agent_->Snapshot().state, AgentState::kUpgrading);
  EXPECT_EQ(agent_->Snapshot().step, UpgradeStep::kStopping);
  systemd_.Finish();  // stop
  systemd_.units[kUnit].active_exit_usec = 5'000'000;
  systemd_.Finish();  // start
  systemd_.units[kUnit].active_enter_usec = 5'030'000;
  scheduler_.Advance(15s);
  s = agent_->Snapshot();
  EXPECT_EQ(s.state, AgentState::kHealthCheck);
  EXPECT_EQ(s.progress, 50u);
  EXPECT_EQ(s.upgrade, "v2");
  scheduler_.Advance(16s);
  s = agent_->Snapshot();
  EXPECT_EQ(s.state, AgentState::kIdle);
  EXPECT_EQ(s.current_version, "1.2.0");
  EXPECT_EQ(s.last_upgrade, "v2");
  EXPECT_EQ(s.last_upgrade_result, "completed");
  EXPECT_EQ(s.last_downtime_usec, 30'000u);
  EXPECT_FALSE(s.step.has_value());
}

TEST_F(AgentTest, AnUnreachableUpstreamIsTheLastCheckResult) {
  StartAgent();  // nothing serves the upgrade-info URL
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_FALSE(s.last_check_ok);
  EXPECT_NE(s.last_check_result.find("no route"), std::string::npos) << s.last_check_result;
  EXPECT_EQ(s.state, AgentState::kIdle);
}

TEST_F(AgentTest, APastDueUpgradeIsAppliedAtOnce) {
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
}

TEST_F(AgentTest, AChecksumMismatchIsNeverAppliedAndTheNodeIsNotTouched) {
  Publish(-1h, std::string(64, 'a'));
  StartAgent();
  EXPECT_EQ(Count(message_ids::kVerificationFailed), 1);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  UpgradeHistory history = *store_.LoadHistory();
  ASSERT_EQ(history.history.size(), 1u);
  EXPECT_EQ(history.history[0].outcome, UpgradeOutcome::kFailed);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  scheduler_.Advance(1h);  // the next poll sees the same upgrade: still refused
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
}

TEST_F(AgentTest, AWrongBuildInfoVersionIsNeverApplied) {
  probes_.SetBuildInfo(layout_.UpgradeBinary("v2").string(), NodeBuildInfo("9.9.9"));
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Count(message_ids::kVerificationFailed), 1);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
}

TEST_F(AgentTest, AQueuedOlderVersionIsRefusedAtTheLastGate) {
  http_.resources[kInfoUrl].status = 404;
  UpgradeInfo old = testing::Upgrade("old", "1.0.0", clock_.Now() - 1h);
  ASSERT_TRUE(records_.Queue(old).ok());  // as if added by hand
  testing::WriteFile(layout_.UpgradeBinary("old"), binary_, 0755);
  probes_.SetBuildInfo(layout_.UpgradeBinary("old").string(), NodeBuildInfo("1.0.0"));
  StartAgent();
  EXPECT_EQ(Count(message_ids::kDowngradeRefused), 1);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  EXPECT_EQ(store_.LoadHistory()->history.at(0).outcome, UpgradeOutcome::kFailed);
}

TEST_F(AgentTest, WithDownloadsDisabledItWaitsForAddUpgrade) {
  config_.daemon.allow_binaries_download = false;
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  EXPECT_NE(notifier_.events.back().find("waiting for its binary"), std::string::npos)
      << notifier_.events.back();
  testing::WriteFile(layout_.UpgradeBinary("v2"), binary_, 0755);
  agent_->OnPlanChanged();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
}

TEST_F(AgentTest, AManualUpgradeSaysHowToStartTheNode) {
  config_.daemon.restart_after_upgrade = false;
  Publish(-1h);
  StartAgent();
  systemd_.Finish();  // stop
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0);
  EXPECT_EQ(Count(message_ids::kManualStartRequired), 1);
  EXPECT_NE(notifier_.events.back().find(std::string("run 'systemctl start ") + kUnit + "'"),
            std::string::npos)
      << notifier_.events.back();
}

TEST_F(AgentTest, StartingTheAgentStartsADownNode) {
  http_.resources[kInfoUrl].status = 404;
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  StartAgent();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1);
}

TEST_F(AgentTest, StartingTheAgentLeavesARunningOrStartingNodeAlone) {
  http_.resources[kInfoUrl].status = 404;
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  systemd_.units[kUnit].job_pending = true;  // at boot, its own start job is queued
  StartAgent();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0);
}

TEST_F(AgentTest, AManualUpgradeStaysStoppedAcrossAnAgentRestartUntilTheOperatorStartsIt) {
  config_.daemon.restart_after_upgrade = false;
  Publish(-1h);
  StartAgent();
  systemd_.Finish();  // stop
  ASSERT_EQ(Count(message_ids::kManualStartRequired), 1);
  agent_.reset();
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0) << "the operator starts it";
  EXPECT_NE(notifier_.events.back().find("the node waits"), std::string::npos)
      << notifier_.events.back();
  EXPECT_TRUE(records_.AwaitingStart());
  systemd_.Change(kUnit, [](UnitState& s) { s.active_state = ActiveState::kActive; });
  EXPECT_FALSE(records_.AwaitingStart()) << "cleared once the node runs";
  EXPECT_EQ(notifier_.events.back().find("the node waits"), std::string::npos)
      << notifier_.events.back();
  agent_.reset();
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  StartAgent();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1) << "back to normal";
}

TEST_F(AgentTest, ResumesAnUpgradeLeftByAnEarlierRun) {
  UpgradeState state;
  state.target.name = "v2";
  state.target.version = "1.2.0";
  state.from_name = "genesis";
  state.from_version = "1.1.0";
  state.step = UpgradeStep::kStarting;
  state.started_at = clock_.Now();
  ASSERT_TRUE(records_.SaveState(state).ok());
  std::filesystem::create_directories(layout_.UpgradeDir("v2") / "bin");
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "re-established: the node is stopped";
  systemd_.Finish();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1);
}

TEST_F(AgentTest, StoppingWaitsForTheUpgradeInProgress) {
  Publish(-1h);
  StartAgent();
  systemd_.Finish();
  systemd_.Finish();
  bool stopped = false;
  agent_->Stop([&] { stopped = true; });
  EXPECT_FALSE(stopped) << "the 30 s health check runs to its verdict first";
  scheduler_.Advance(30s);
  EXPECT_TRUE(stopped);
  EXPECT_EQ(Count(message_ids::kUpgradeSucceeded), 1);
  EXPECT_NE(std::find(notifier_.events.begin(), notifier_.events.end(),
                      "STOPPING stopping after the upgrade in progress"),
            notifier_.events.end());
}

TEST_F(AgentTest, StoppingWhenIdleIsImmediate) {
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  bool stopped = false;
  agent_->Stop([&] { stopped = true; });
  EXPECT_TRUE(stopped);
  scheduler_.Advance(5h);
  EXPECT_EQ(http_.requests.size(), 1u) << "no more polling";
}

}  // namespace
}  // namespace nymvisor
