// The agent's answers to an operator: hold, resume, skip, apply now,
// rollback, reload, and what it publishes (control API, metrics).

#include <gtest/gtest.h>

#include "agent/base/message_ids.h"
#include "agent/decide/rollback_plan.h"
#include "agent/shell/agent.h"
#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::kInfoUrl;
using testing::NodeBuildInfo;

constexpr char kRoot[] = "uid 0 (root)";

class AgentControlTest : public testing::AgentFixture {
 protected:
  /// Runs the queued upgrade v2 to its commit (stop, start, health check).
  void CompleteUpgrade() {
    systemd_.Finish();  // stop
    systemd_.Finish();  // start
    scheduler_.Advance(31s);
    ASSERT_EQ(store_.LoadPlan()->current.name, "v2");
  }
  UpgradeOutcome LastOutcome(const std::string& name) {
    return LastEntryFor(*store_.LoadHistory(), name)->outcome;
  }
};

TEST_F(AgentControlTest, AHoldKeepsADueUpgradeWaitingAcrossRestartsUntilResumed) {
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  ASSERT_TRUE(agent_->Hold("maintenance window", kRoot).ok());
  EXPECT_TRUE(std::filesystem::exists(layout_.HoldFile()));
  EXPECT_TRUE(agent_->Hold("again", kRoot).ok()) << "holding twice is fine";
  EXPECT_EQ(store_.LoadHold()->reason, "maintenance window") << "the first hold stays";
  Publish(-1h);
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_EQ(Count(message_ids::kUpgradeStaged), 1) << "downloads go on while held";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  EXPECT_EQ(agent_->Snapshot().state, AgentState::kHeld);
  EXPECT_TRUE(publisher_.last->held);
  agent_.reset();
  StartAgent();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "the hold survives a restart";
  EXPECT_NE(notifier_.events.back().find("held, running 1.1.0"), std::string::npos)
      << notifier_.events.back();
  ASSERT_TRUE(agent_->Resume(kRoot).ok());
  EXPECT_FALSE(std::filesystem::exists(layout_.HoldFile()));
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "the due upgrade is applied at once";
  EXPECT_EQ(Count(message_ids::kUpgradesHeld), 1);
  EXPECT_EQ(Count(message_ids::kUpgradesResumed), 1);
}

TEST_F(AgentControlTest, AHoldRecordedBeforeTheAgentFirstRanIsHonouredAtItsStart) {
  // `nymvisor hold` with no agent running writes the hold file itself.
  ASSERT_TRUE(store_.SaveHold({clock_.Now(), "before the first start", "uid 0 (root)"}).ok());
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  Publish(-1h);
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "the due upgrade waits";
  EXPECT_EQ(agent_->Snapshot().state, AgentState::kHeld);
  ASSERT_TRUE(agent_->Resume(kRoot).ok());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
}

TEST_F(AgentControlTest, ANodeLeftDownStaysDownAndNothingIsAppliedUntilReleased) {
  ASSERT_TRUE(store_
                  .SaveNodeDown({clock_.Now(), "v1", "1.0.0", "1.1.0",
                                 "the backup is not a complete backup", "/backups/v1/x"})
                  .ok());
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0) << "the agent does not start it either";
  EXPECT_EQ(Count(message_ids::kNodeLeftDown), 1) << "said, critical, at each start";
  Publish(-1h);
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "no upgrade is applied";
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.state, AgentState::kFailed);
  EXPECT_NE(s.node_left_down.find("release-node"), std::string::npos) << s.node_left_down;
  EXPECT_TRUE(agent_->ApplyNow(kRoot).status().IsRefused());
  EXPECT_TRUE(agent_->Rollback(kRoot).status().IsRefused());
  agent_.reset();
  StartAgent();
  EXPECT_EQ(Count(message_ids::kNodeLeftDown), 2);
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0);
  ASSERT_TRUE(agent_->ReleaseNode(/*start=*/false, kRoot).ok());
  EXPECT_TRUE(store_.LoadNodeDown().status().IsNotFound());
  EXPECT_EQ(Count(message_ids::kNodeReleased), 1);
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0) << "started only when asked";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "the due upgrade goes on";
  Status again = agent_->ReleaseNode(false, kRoot);
  EXPECT_TRUE(again.IsRefused());
  EXPECT_NE(again.message().find("nothing to clear"), std::string::npos) << again.message();
}

TEST_F(AgentControlTest, ReleaseNodeWithStartStartsTheNode) {
  ASSERT_TRUE(store_.SaveNodeDown({clock_.Now(), "v1", "1.0.0", "1.1.0", "failed", ""}).ok());
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  ASSERT_TRUE(agent_->ReleaseNode(/*start=*/true, kRoot).ok());
  EXPECT_EQ(Calls(std::string("reset-failed ") + kUnit), 1) << "refused starts hit its limit";
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1);
}

TEST_F(AgentControlTest, ASkippedUpgradeIsRecordedAndNeverAppliedAndTheNodeIsNotTouched) {
  Publish(2h);
  StartAgent();
  Status unknown = agent_->Skip("v9", kRoot);
  EXPECT_EQ(unknown.reason(), "UnknownUpgrade");
  EXPECT_NE(unknown.message().find("queued: v2"), std::string::npos) << unknown.message();
  ASSERT_TRUE(agent_->Skip("v2", kRoot).ok());
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  EXPECT_EQ(LastOutcome("v2"), UpgradeOutcome::kSkipped);
  EXPECT_EQ(LastEntryFor(*store_.LoadHistory(), "v2")->reason, std::string("skipped by ") + kRoot);
  EXPECT_EQ(Count(message_ids::kUpgradeSkipped), 1);
  scheduler_.Advance(3h);  // polls again and passes the upgrade time
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty()) << "upstream cannot queue it again";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  EXPECT_EQ(agent_->Snapshot().last_upgrade_result, "skipped");
}

TEST_F(AgentControlTest, ApplyNowStartsAStagedUpgradeBeforeItsTime) {
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  EXPECT_EQ(agent_->ApplyNow(kRoot).status().reason(), "NoStagedUpgrade");
  Publish(2h);
  ASSERT_TRUE(agent_->CheckNow().ok());
  ASSERT_TRUE(agent_->Hold("", kRoot).ok());
  EXPECT_EQ(agent_->ApplyNow(kRoot).status().reason(), "Held");
  ASSERT_TRUE(agent_->Resume(kRoot).ok());
  Result<std::string> applied = agent_->ApplyNow(kRoot);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, "v2");
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1);
  EXPECT_EQ(publisher_.signals.front(), "started v2 1.1.0 1.2.0");
  Status busy = agent_->ApplyNow(kRoot).status();
  EXPECT_EQ(busy.reason(), "UpgradeInProgress");
  EXPECT_NE(busy.message().find("step stopping"), std::string::npos) << busy.message();
  EXPECT_EQ(agent_->Skip("v2", kRoot).reason(), "UpgradeInProgress");
  CompleteUpgrade();
  EXPECT_EQ(publisher_.signals.back(), "finished v2 1.2.0 completed");
}

TEST_F(AgentControlTest, RollbackGoesBackToThePreviousVersionWithItsDataThroughTheHealthGate) {
  ASSERT_TRUE(store_.SaveUpgradeInfo(genesis_).ok());
  testing::WriteFile(layout_.UpgradeBinary("genesis"), "old binary", 0755);
  EXPECT_EQ(FindRollbackTarget(*store_.LoadPlan(), {}).status().reason(), "NoPreviousVersion");
  Publish(-1h);
  StartAgent();
  CompleteUpgrade();
  Result<std::string> to = agent_->Rollback(kRoot);
  ASSERT_TRUE(to.ok()) << to.status().message();
  EXPECT_EQ(*to, "1.1.0");
  EXPECT_EQ(Count(message_ids::kRollbackRequested), 1);
  EXPECT_EQ(agent_->Rollback(kRoot).status().reason(), "UpgradeInProgress");
  systemd_.Finish();  // stop 1.2.0; then a fresh backup of its data, the switch, the restore
  EXPECT_EQ(backups_.calls.back(), "restore /backups/v2/backup-1-preupgrade");
  EXPECT_EQ(CurrentTarget(), layout_.UpgradeDir("genesis"));
  systemd_.Finish();  // start 1.1.0
  EXPECT_EQ(agent_->Snapshot().state, AgentState::kHealthCheck);
  scheduler_.Advance(31s);
  EXPECT_EQ(store_.LoadPlan()->current.name, "genesis");
  EXPECT_EQ(store_.LoadCurrentVersion()->version, "1.1.0");
  EXPECT_EQ(LastOutcome("v2"), UpgradeOutcome::kReverted);
  EXPECT_EQ(LastOutcome("genesis"), UpgradeOutcome::kCompleted);
  EXPECT_EQ(Count(message_ids::kRolledBackOnRequest), 1);
  EXPECT_EQ(publisher_.signals.back(), "finished genesis 1.1.0 reverted");
  EXPECT_EQ(agent_->Snapshot().last_upgrade_result, "reverted");
  scheduler_.Advance(1h);  // upstream still offers v2
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty()) << "a reverted upgrade is not queued again";
  EXPECT_EQ(agent_->Rollback(kRoot).status().reason(), "NoPreviousVersion");
}

TEST_F(AgentControlTest, ReloadAppliesLiveKeysAndRefusesThoseThatNeedARestart) {
  http_.resources[kInfoUrl].status = 404;
  StartAgent();
  reloaded_config_ = config_;
  reloaded_config_.nymvisor.upstream_polling_rate = 10min;
  ASSERT_TRUE(agent_->Reload().ok());
  size_t requests = http_.requests.size();
  scheduler_.Advance(11min);
  EXPECT_GT(http_.requests.size(), requests) << "the new polling rate is in force";
  reloaded_config_.daemon.home = "/elsewhere";
  Status st = agent_->Reload();
  EXPECT_EQ(st.reason(), "RestartRequired");
  EXPECT_NE(st.message().find("daemon.home"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("systemctl restart nymvisor@mixnode"), std::string::npos);
}

TEST_F(AgentControlTest, MetricsAreWrittenAndTheirCountersMove) {
  config_.nymvisor.metrics_textfile = (dir_ / "nymvisor.prom").string();
  Publish(-1h);
  StartAgent();
  std::string before = testing::ReadFileOrDie(dir_ / "nymvisor.prom");
  EXPECT_NE(before.find(R"(nymvisor_upgrades_applied_total{instance="mixnode"} 0)"),
            std::string::npos)
      << before;
  CompleteUpgrade();
  std::string after = testing::ReadFileOrDie(dir_ / "nymvisor.prom");
  EXPECT_NE(after.find(R"(nymvisor_upgrades_applied_total{instance="mixnode"} 1)"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find(R"(version="1.2.0")"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
