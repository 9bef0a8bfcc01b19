// The health check when someone else (an operator's systemctl) stops or
// restarts the node during it: the judgement pauses, the node stays as they
// left it, and a start begins a full period again.
#include <gtest/gtest.h>

#include "agent/shell/upgrade_runner.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

class UpgradeHealthTest : public testing::RunnerFixture {
 protected:
  void NodeChanges(ActiveState state) {
    systemd_.Change(kUnit, [state](UnitState& u) {
      u.active_state = state;
      u.sub_state = state == ActiveState::kActive ? "running" : "dead";
    });
  }
  bool Paused() { return (*records_.LoadState())->health_paused_at.has_value(); }
};

// With Restart=on-failure (the default) systemd brings a crashed new version
// back by itself; the crash must still roll the upgrade back.
class CrashDuringHealthTest : public UpgradeHealthTest {
 protected:
  void SetUp() override {
    UpgradeHealthTest::SetUp();
    Config config = DefaultConfig("nym-node");
    config.nymvisor.id = "mixnode";
    health_ = MakeRunnerSettings(config, {}).health;  // what the agent runs with
    MakeRunner();
  }
};

TEST_F(CrashDuringHealthTest, TheAgentToleratesNoAutomaticRestart) {
  EXPECT_EQ(health_.max_restarts, 0u);
  EXPECT_EQ(health_.period, std::chrono::seconds(120));
}

TEST_F(CrashDuringHealthTest, ACrashWaitingForSystemdsRestartRollsBackAtOnce) {
  UpToHealthCheck();
  scheduler_.Advance(30s);
  systemd_.Change(kUnit, [](UnitState& u) {
    u.active_state = ActiveState::kActivating;
    u.sub_state = "auto-restart";
    u.result = "exit-code";
  });
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_EQ(runner_->state()->failure,
            "the node failed and systemd is restarting it (result exit-code)");
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 2) << "the upgrade's stop, then the rollback's";
}

TEST_F(CrashDuringHealthTest, ACrashSystemdAlreadyRestartedIsSeenByItsCount) {
  UpToHealthCheck();
  scheduler_.Advance(30s);
  // The agent missed the auto-restart state (say, it was restarted itself):
  // the node runs again, but NRestarts went up.
  systemd_.Change(kUnit, [](UnitState& u) { u.n_restarts += 1; });
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_EQ(runner_->state()->failure, "the unit restarted once (limit 0)");
}

TEST_F(UpgradeHealthTest, AnOperatorsStopPausesTheCheckAndTheirStartBeginsAFullPeriod) {
  UpToHealthCheck();
  scheduler_.Advance(30s);
  systemd_.OperatorJob("stop", kUnit);
  systemd_.Finish();  // JobRemoved first; the unit's own change may come later
  ASSERT_TRUE(runner_->paused_for_operator());
  EXPECT_TRUE(Paused()) << "recorded, for the next agent";
  EXPECT_TRUE(Journaled("was stopped by someone else during the health check of 1.2.0"));
  EXPECT_NE(StatusLine().find("upgrading 1.1.0 -> 1.2.0"), std::string::npos);
  NodeChanges(ActiveState::kInactive);
  scheduler_.Advance(1h);
  EXPECT_FALSE(finished_.has_value()) << "neither committed nor rolled back";
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1) << "the node stays stopped";
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kHealthCheck);

  systemd_.OperatorJob("start", kUnit);
  systemd_.Finish();
  NodeChanges(ActiveState::kActive);
  EXPECT_FALSE(Paused());
  EXPECT_TRUE(Journaled("begins a full period"));
  scheduler_.Advance(119s);
  EXPECT_FALSE(finished_.has_value()) << "the time before the stop does not count";
  scheduler_.Advance(1s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeHealthTest, TheUnitsChangeBeforeTheJobsEndPausesToo) {
  UpToHealthCheck();
  systemd_.OperatorJob("stop", kUnit);
  NodeChanges(ActiveState::kInactive);  // the stop job has not ended yet
  EXPECT_TRUE(runner_->paused_for_operator());
  systemd_.Finish();
  EXPECT_TRUE(runner_->paused_for_operator());
  EXPECT_FALSE(finished_.has_value());
}

// systemd ran a fast stop to its end before the agent read the stop's
// JobNew: a fresh read already shows the node down, but the node's own
// changes still wait behind the job on the bus.
TEST_F(UpgradeHealthTest, AStopThatEndedBeforeItsJobNewWasReadStillPauses) {
  UpToHealthCheck();
  NodeChanges(ActiveState::kActive);  // what the bus last delivered
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  systemd_.units[kUnit].sub_state = "dead";
  systemd_.OperatorJob("stop", kUnit);
  NodeChanges(ActiveState::kInactive);
  EXPECT_TRUE(runner_->paused_for_operator());
  systemd_.Finish();
  EXPECT_TRUE(runner_->paused_for_operator());
  EXPECT_FALSE(finished_.has_value());
}

TEST_F(UpgradeHealthTest, AStopWithNoOneElsesJobIsStillTheNodeStoppingByItself) {
  UpToHealthCheck();
  systemd_.OperatorJob("start", kUnit);  // a no-op start of the running node
  systemd_.Finish();
  EXPECT_FALSE(runner_->paused_for_operator());
  NodeChanges(ActiveState::kInactive);
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_EQ(runner_->state()->failure, "the node stopped by itself");
}

TEST_F(UpgradeHealthTest, ANewAgentWaitsOnForTheOperatorWithoutSpendingAnAttempt) {
  UpToHealthCheck();
  systemd_.OperatorJob("stop", kUnit);
  systemd_.Finish();
  ASSERT_TRUE(Paused());
  for (int run = 0; run < 5; ++run) {  // more agent runs than a step may take
    MakeRunner();
    runner_->Resume(**records_.LoadState());
    EXPECT_EQ(runner_->state()->step, UpgradeStep::kHealthCheck);
    EXPECT_TRUE(runner_->paused_for_operator());
  }
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 1) << "never started on their behalf";
  NodeChanges(ActiveState::kActive);
  scheduler_.Advance(120s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(committed_);
}

// The node's own API during the health check (daemon.health_check_url,
// daemon.build_info_url): probed every 5 s on the backup lane.
class ApiHealthTest : public UpgradeHealthTest {
 protected:
  static constexpr char kHealth[] = "http://127.0.0.1:8080/api/v1/health";
  static constexpr char kBuild[] = "http://127.0.0.1:8080/api/v1/build-information";
  void SetUp() override {
    UpgradeHealthTest::SetUp();
    health_url_ = kHealth;
    build_info_url_ = kBuild;
    MakeRunner();
  }
  void Answers(long status, const std::string& version) {
    http_.resources[kHealth].status = status;
    http_.resources[kHealth].body = "{\"status\":\"up\"}";
    http_.resources[kBuild].body = "{\"build_version\":\"" + version + "\"}";
  }
  /// Lets `d` pass in 5 s ticks, each probe round answered on the worker.
  void RunFor(Duration d) {
    for (Duration t{}; t < d && !finished_ && runner_->state()->step == UpgradeStep::kHealthCheck;
         t += 5s) {
      worker_.RunAll();
      scheduler_.Advance(5s);
    }
    worker_.RunAll();
  }
  void RollsBackWith(const std::string& reason) {
    ASSERT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
    EXPECT_EQ(runner_->state()->failure, reason);
    systemd_.Finish();  // stop the new version
    worker_.RunAll();   // restore
    systemd_.Finish();  // start the old version
    scheduler_.Advance(10s);
    ASSERT_TRUE(finished_.has_value());
    EXPECT_FALSE(committed_);
    UpgradeHistory history = *store_.LoadHistory();
    EXPECT_EQ(history.history.back().outcome, UpgradeOutcome::kRolledBack);
    EXPECT_EQ(history.history.back().reason, reason);
  }
};

TEST_F(ApiHealthTest, AnHonestNodeCommits) {
  Answers(200, "1.2.0");
  UpToHealthCheck();
  RunFor(120s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(committed_);
  EXPECT_TRUE(Journaled(std::string(kHealth) + " answers"));
  for (const HttpRequest& r : http_.requests) EXPECT_TRUE(r.node_probe) << r.url;
}

TEST_F(ApiHealthTest, AHealthUrlAnswering500RollsBackAtTheEnd) {
  Answers(500, "1.2.0");
  UpToHealthCheck();
  RunFor(115s);
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kHealthCheck) << "it may answer yet";
  RunFor(10s);
  RollsBackWith(std::string(kHealth) +
                " never answered 2xx during the health check (last: HTTP status 500 from " +
                kHealth + ")");
}

TEST_F(ApiHealthTest, TheOldVersionAnsweringRollsBackAtOnce) {
  Answers(200, "1.1.0");
  UpToHealthCheck();
  worker_.RunAll();  // the first round, at the start of the period
  RollsBackWith(std::string(kBuild) +
                " reports build_version 1.1.0, not 1.2.0: the old binary still answers");
}

TEST_F(ApiHealthTest, ThreeFailuresInARowAfterAnAnswerRollBack) {
  Answers(200, "1.2.0");
  UpToHealthCheck();
  RunFor(30s);
  http_.resources.erase(kHealth);  // the API goes away while the unit stays up
  RunFor(15s);
  RollsBackWith(std::string(kHealth) + " failed 3 times in a row after answering (last: GET " +
                kHealth + ": no route)");
}

TEST_F(ApiHealthTest, TheBuildIsAskedOnlyUntilItMatches) {
  Answers(200, "1.2.0");
  UpToHealthCheck();
  RunFor(120s);
  int build_asks = 0;
  for (const HttpRequest& r : http_.requests) build_asks += r.url == kBuild;
  EXPECT_EQ(build_asks, 1);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeHealthTest, WithoutUrlsTheApiIsNeverAsked) {
  UpToHealthCheck();
  scheduler_.Advance(120s);
  worker_.RunAll();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(committed_);
  EXPECT_TRUE(http_.requests.empty());
}

}  // namespace
}  // namespace nymvisor
