#include "agent/decide/health_gate.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

const HealthPolicy kPolicy{120s, 2};

UnitState Running(uint32_t restarts = 0) {
  UnitState u;
  u.load_state = "loaded";
  u.active_state = ActiveState::kActive;
  u.sub_state = "running";
  u.n_restarts = restarts;
  return u;
}

TEST(JudgeHealth, PendingWhileActiveUntilThePeriodEnds) {
  EXPECT_EQ(JudgeHealth(kPolicy, 0, Running(), 10s).verdict, HealthVerdict::kPending);
  EXPECT_EQ(JudgeHealth(kPolicy, 0, Running(), 120s).verdict, HealthVerdict::kHealthy);
}

TEST(JudgeHealth, EnteringFailedIsUnhealthyAtOnce) {
  UnitState u = Running();
  u.active_state = ActiveState::kFailed;
  u.sub_state = "failed";
  u.result = "exit-code";
  HealthJudgement j = JudgeHealth(kPolicy, 0, u, 1s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason, "the unit failed (result exit-code)");
}

TEST(JudgeHealth, StoppingByItselfIsUnhealthy) {
  UnitState u = Running();
  u.active_state = ActiveState::kInactive;
  u.sub_state = "dead";
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 5s).reason, "the node stopped by itself");
  u.job_pending = true;  // a start job is on its way: not a verdict yet
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 5s).verdict, HealthVerdict::kPending);
}

TEST(JudgeHealth, CountsOnlyRestartsSinceTheUpgrade) {
  EXPECT_EQ(JudgeHealth(kPolicy, 5, Running(7), 10s).verdict, HealthVerdict::kPending);
  HealthJudgement j = JudgeHealth(kPolicy, 5, Running(8), 10s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason, "the unit restarted 3 times (limit 2)");
}

TEST(JudgeHealth, ACrashThatSystemdWillRestartIsUnhealthyAtOnce) {
  // Restart=on-failure (the default) puts a crashed node in auto-restart
  // until RestartSec= passes; NRestarts has not counted it yet.
  UnitState u = Running(0);
  u.active_state = ActiveState::kActivating;
  u.sub_state = "auto-restart";
  u.result = "signal";
  HealthJudgement j = JudgeHealth(kPolicy, 0, u, 30s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason, "the node failed and systemd is restarting it (result signal)");
  u.sub_state = "auto-restart-queued";  // systemd 254 and later
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 30s).verdict, HealthVerdict::kUnhealthy);
}

TEST(JudgeHealth, StartingAtTheEndIsNotHealthy) {
  UnitState u = Running(0);
  u.active_state = ActiveState::kActivating;
  u.sub_state = "start";
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 30s).verdict, HealthVerdict::kPending);
  HealthJudgement j = JudgeHealth(kPolicy, 0, u, 121s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_NE(j.reason.find("activating/start at the end"), std::string::npos);
}

TEST(JudgeHealth, WithNoRestartToleratedOneAutomaticRestartIsUnhealthy) {
  const HealthPolicy strict{120s, 0};  // what the agent uses
  EXPECT_EQ(JudgeHealth(strict, 4, Running(4), 10s).verdict, HealthVerdict::kPending);
  HealthJudgement j = JudgeHealth(strict, 4, Running(5), 10s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason, "the unit restarted once (limit 0)");
}

TEST(JudgeHealth, AMissingUnitIsUnhealthy) {
  UnitState u = Running();
  u.load_state = "not-found";
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 0s).verdict, HealthVerdict::kUnhealthy);
}

}  // namespace
}  // namespace nymvisor
