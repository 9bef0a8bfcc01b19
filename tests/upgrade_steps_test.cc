#include "agent/upgrade_steps.h"

#include <gtest/gtest.h>

#include <vector>

namespace nymvisor {
namespace {

/// Walks the machine from `start`, feeding `outcomes` in turn (true once they
/// run out), and returns the names of the steps visited.
std::vector<std::string_view> Walk(UpgradeState s, std::vector<bool> outcomes) {
  std::vector<std::string_view> visited = {StepName(s.step)};
  for (size_t i = 0; visited.size() < 20; ++i) {
    std::optional<UpgradeStep> next = NextStep(s, i < outcomes.size() ? outcomes[i] : true);
    if (!next) break;
    s.step = *next;
    visited.push_back(StepName(s.step));
  }
  return visited;
}

using Steps = std::vector<std::string_view>;

TEST(NextStep, HappyPath) {
  EXPECT_EQ(Walk({}, {}), (Steps{"stopping", "backing-up", "swapping", "starting", "health-check",
                                 "committing"}));
}

TEST(NextStep, SkipBackupAndManualUpgrades) {
  UpgradeState s;
  s.skip_backup = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"stopping", "swapping", "starting", "health-check", "committing"}));
  s.skip_backup = false;
  s.leave_stopped = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"stopping", "backing-up", "swapping", "committing"}));
}

TEST(NextStep, FailuresBeforeTheSwitchAbort) {
  EXPECT_EQ(Walk({}, {true, false}),
            (Steps{"stopping", "backing-up", "aborting", "recording-failure"}));
  EXPECT_EQ(Walk({}, {false}), (Steps{"stopping", "aborting", "recording-failure"}));
  EXPECT_EQ(Walk({}, {true, true, false}),
            (Steps{"stopping", "backing-up", "swapping", "aborting", "recording-failure"}));
}

TEST(NextStep, AnUnhealthyNewVersionIsRolledBack) {
  EXPECT_EQ(
      Walk({}, {true, true, true, true, false}),
      (Steps{"stopping", "backing-up", "swapping", "starting", "health-check", "rollback-stopping",
             "restoring", "rollback-starting", "rollback-verifying", "recording-failure"}));
  EXPECT_EQ(Walk({}, {true, true, true, false})[4], "rollback-stopping");
}

TEST(NextStep, ARestoreThatFailsIsRetriedUnlessTheBackupIsGone) {
  UpgradeState s;
  s.step = UpgradeStep::kRestoring;
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kRestoring) << "a half-restored tree never starts";
  s.backup_unusable = true;
  EXPECT_EQ(Walk(s, {false}), (Steps{"restoring", "recording-failure"}));
}

TEST(NextStep, AResumedUpgradeThatWasSwitchedRollsBackInsteadOfAborting) {
  UpgradeState s;
  s.step = UpgradeStep::kStopping;
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kAborting);
  s.switched = true;  // the agent died while starting the new version
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kRollbackStopping);
}

TEST(NextStep, ARollbackStopThatFailsIsRetried) {
  UpgradeState s;
  s.step = UpgradeStep::kRollbackStopping;
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kRollbackStopping)
      << "never restore under a running node";
}

TEST(NextStep, WritesThatFailAreRetried) {
  UpgradeState s;
  s.step = UpgradeStep::kCommitting;
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kCommitting);
  s.step = UpgradeStep::kRecordingFailure;
  EXPECT_EQ(NextStep(s, false), UpgradeStep::kRecordingFailure);
  EXPECT_EQ(NextStep(s, true), std::nullopt);
}

}  // namespace
}  // namespace nymvisor
