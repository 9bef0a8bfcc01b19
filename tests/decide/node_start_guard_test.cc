#include "agent/decide/node_start_guard.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace nymvisor {
namespace {

using S = UpgradeStep;

UpgradeState At(S step) {
  UpgradeState s;
  s.target.name = "v1.2.0";
  s.target.version = "1.2.0";
  s.from_version = "1.1.0";
  s.step = step;
  return s;
}

NodeDownRecord LeftDown() {
  return {*ParseTimestamp("2026-12-01T10:00:00Z"),
          "v1.2.0",
          "1.1.0",
          "1.2.0",
          "no usable backup is left",
          "/var/backups/v1.2.0/x"};
}

TEST(NodeStartGuard, AllowsAStartWithNoRecords) {
  EXPECT_TRUE(DecideNodeStart("n1", std::nullopt, std::nullopt).ok());
}

// The steps in which the data is being restored, or a restore follows that
// must not run under a live node; every other step is one in which the agent
// starts the node itself (or it already ran), so its own StartUnit must pass.
TEST(NodeStartGuard, RefusesExactlyTheRestoreStepsOfTheTable) {
  const std::set<S> refused = {S::kSwapping, S::kRollbackStopping, S::kRestoring,
                               S::kRestoringPrevious};
  for (const StepSpec& spec : StepTable()) {
    Status st = DecideNodeStart("n1", At(spec.step), std::nullopt);
    EXPECT_EQ(!st.ok(), refused.count(spec.step) == 1) << spec.name;
    if (st.ok()) continue;
    EXPECT_TRUE(st.IsRefused()) << spec.name;
    EXPECT_NE(st.message().find("step " + std::string(spec.name)), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("v1.2.0 (1.1.0 -> 1.2.0)"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("nymvisor@n1"), std::string::npos) << st.message();
  }
}

TEST(NodeStartGuard, AllowsTheStepsInWhichTheAgentStartsTheNode) {
  int starts = 0;
  for (const StepSpec& spec : StepTable()) {
    if (spec.effect != StepEffect::kStartNode && spec.effect != StepEffect::kAbort &&
        spec.effect != StepEffect::kJudgeHealth) {
      continue;
    }
    ++starts;
    UpgradeState s = At(spec.step);
    s.switched = spec.step != S::kAborting;
    EXPECT_TRUE(DecideNodeStart("n1", s, std::nullopt).ok()) << spec.name;
  }
  EXPECT_EQ(starts, 4) << "starting, health-check, aborting, rollback-starting";
}

// A resumed upgrade goes back through stopping and backing-up with `current`
// already switched: a start by anyone but the agent would run the new version
// unchecked (and migrate the data the backup is kept for), or, after an
// operator's rollback began its restore, start on half-restored data.
TEST(NodeStartGuard, RefusesTheStepsBeforeTheAgentsStartOnceSwitched) {
  std::set<S> once_switched;
  for (const StepSpec& spec : StepTable()) {
    UpgradeState s = At(spec.step);
    bool before = DecideNodeStart("n1", s, std::nullopt).ok();
    s.switched = true;
    Status st = DecideNodeStart("n1", s, std::nullopt);
    if (!before || st.ok()) continue;
    once_switched.insert(spec.step);
    EXPECT_TRUE(st.IsRefused()) << spec.name;
    EXPECT_NE(st.message().find("has not started and checked yet"), std::string::npos)
        << st.message();
  }
  EXPECT_EQ(once_switched, (std::set<S>{S::kStopping, S::kBackingUp}));
}

TEST(NodeStartGuard, RefusesAStateWhoseRollbackLeftTheNodeDown) {
  UpgradeState s = At(S::kRecordingFailure);
  s.node_down = true;
  Status st = DecideNodeStart("n1", s, std::nullopt);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("release-node"), std::string::npos) << st.message();
}

TEST(NodeStartGuard, RefusesWhileTheNodeLeftDownRecordExists) {
  for (const std::optional<UpgradeState>& state :
       {std::optional<UpgradeState>(), std::optional<UpgradeState>(At(S::kStarting))}) {
    Status st = DecideNodeStart("n1", state, LeftDown());
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.IsRefused());
    EXPECT_EQ(st.reason(), kNodeStartRefusedReason);
    for (const char* part : {"v1.2.0", "no usable backup", "/var/backups/v1.2.0/x",
                             "nymvisor release-node", "2026-12-01T10:00:00Z"}) {
      EXPECT_NE(st.message().find(part), std::string::npos) << part << ": " << st.message();
    }
  }
}

}  // namespace
}  // namespace nymvisor
