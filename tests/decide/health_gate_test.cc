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

TEST(JudgeHealth, RestartingAtTheEndIsNotHealthy) {
  UnitState u = Running(1);
  u.active_state = ActiveState::kActivating;
  u.sub_state = "auto-restart";
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 30s).verdict, HealthVerdict::kPending);
  HealthJudgement j = JudgeHealth(kPolicy, 0, u, 121s);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_NE(j.reason.find("activating/auto-restart at the end"), std::string::npos);
}

TEST(JudgeHealth, AMissingUnitIsUnhealthy) {
  UnitState u = Running();
  u.load_state = "not-found";
  EXPECT_EQ(JudgeHealth(kPolicy, 0, u, 0s).verdict, HealthVerdict::kUnhealthy);
}

}  // namespace
}  // namespace nymvisor
