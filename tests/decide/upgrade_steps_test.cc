#include "agent/decide/upgrade_steps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

#include "agent/decide/upgrade_state.h"
#include "tests/support/values.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using S = UpgradeStep;
using Steps = std::vector<std::string_view>;

/// Walks the machine from `s`, feeding `outcomes` in turn (true once they run
/// out), and returns the names of the steps visited; a retry ends the walk.
Steps Walk(UpgradeState s, std::vector<bool> outcomes) {
  Steps visited = {StepName(s.step)};
  for (size_t i = 0; visited.size() < 20; ++i) {
    StepOutcome next = DecideNext(s, i < outcomes.size() ? outcomes[i] : true);
    if (!next.next || next.retry) break;
    s.step = *next.next;
    visited.push_back(StepName(s.step));
  }
  return visited;
}

UpgradeState At(S step) {
  UpgradeState s;
  s.step = step;
  return s;
}

// The order is also checked when the table compiles (a static_assert).
TEST(StepTable, HasOneRowPerStepInEnumOrderWithUniqueNames) {
  std::set<std::string_view> names;
  int i = 0;
  for (const StepSpec& spec : StepTable()) {
    EXPECT_EQ(static_cast<int>(spec.step), i++);
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_FALSE(spec.status.empty()) << spec.name;
    EXPECT_EQ(*ParseStepName(spec.name), spec.step);
  }
  EXPECT_EQ(i, static_cast<int>(S::kHalting) + 1);
  EXPECT_NE(ParseStepName("dancing").status().message().find("unknown upgrade step 'dancing'"),
            std::string::npos);
}

TEST(StepTable, TheNamesOnDiskNeverChange) {
  // upgrade-state.json of a running upgrade names its step: renaming one
  // would strand an upgrade across a package update.
  EXPECT_EQ((Steps{StepName(S::kPreCopying), StepName(S::kStopping), StepName(S::kBackingUp),
                   StepName(S::kSwapping), StepName(S::kRestoringPrevious), StepName(S::kStarting),
                   StepName(S::kHealthCheck), StepName(S::kCommitting), StepName(S::kAborting),
                   StepName(S::kRollbackStopping), StepName(S::kRestoring),
                   StepName(S::kRollbackStarting), StepName(S::kRollbackVerifying),
                   StepName(S::kRecordingFailure), StepName(S::kTakingSlot),
                   StepName(S::kReleasingSlot), StepName(S::kHalting)}),
            (Steps{"pre-copying", "stopping", "backing-up", "swapping", "restoring-previous",
                   "starting", "health-check", "committing", "aborting", "rollback-stopping",
                   "restoring", "rollback-starting", "rollback-verifying", "recording-failure",
                   "taking-slot", "releasing-slot", "halting"}));
}

/// One row of expectations: from `step` with the condition flags set, where
/// success and failure lead.
struct EdgeCase {
  S step;
  bool skip_backup, leave_stopped, switched, backup_unusable, revert;
  std::optional<S> on_success;
  std::optional<S> on_failure;
  bool fleet = false;  ///< UpgradeState::fleet
  bool rolled_back = false;
};

TEST(DecideNext, APreCopyRunsWhileTheNodeIsUpAndItsFailureAbortsWithoutAStop) {
  UpgradeState s = At(S::kPreCopying);
  EXPECT_FALSE(Spec(S::kPreCopying).node_down);
  EXPECT_EQ(Walk(s, {}), (Steps{"pre-copying", "stopping", "backing-up", "swapping", "starting",
                                "health-check", "committing"}));
  EXPECT_EQ(Walk(s, {false}), (Steps{"pre-copying", "aborting", "recording-failure"}));
}

TEST(DecideNext, EveryEdgeOfTheTable) {
  const std::optional<S> kEnd;
  const EdgeCase cases[] = {
      {S::kPreCopying, false, false, false, false, false, S::kStopping, S::kAborting},
      {S::kStopping, false, false, false, false, false, S::kBackingUp, S::kAborting},
      {S::kStopping, true, false, false, false, false, S::kSwapping, S::kAborting},
      {S::kStopping, false, false, true, false, false, S::kBackingUp, S::kRollbackStopping},
      {S::kBackingUp, false, false, false, false, false, S::kSwapping, S::kAborting},
      {S::kBackingUp, false, false, true, false, false, S::kSwapping, S::kRollbackStopping},
      {S::kSwapping, false, false, false, false, false, S::kStarting, S::kAborting},
      {S::kSwapping, false, true, false, false, false, S::kCommitting, S::kAborting},
      {S::kSwapping, false, false, true, false, false, S::kStarting, S::kRollbackStopping},
      {S::kSwapping, false, false, true, false, true, S::kRestoringPrevious, S::kRollbackStopping},
      {S::kSwapping, false, true, true, false, true, S::kRestoringPrevious, S::kRollbackStopping},
      {S::kRestoringPrevious, false, false, true, false, true, S::kStarting, S::kRollbackStopping},
      {S::kRestoringPrevious, false, true, true, false, true, S::kCommitting, S::kRollbackStopping},
      {S::kStarting, false, false, true, false, false, S::kHealthCheck, S::kRollbackStopping},
      {S::kHealthCheck, false, false, true, false, false, S::kCommitting, S::kRollbackStopping},
      {S::kCommitting, false, false, true, false, false, kEnd, S::kCommitting},
      {S::kAborting, false, false, false, false, false, S::kRecordingFailure, S::kRecordingFailure},
      {S::kAborting, false, false, true, false, false, S::kRecordingFailure, S::kAborting},
      {S::kRollbackStopping, false, false, true, false, false, S::kRestoring, S::kRollbackStopping},
      {S::kRestoring, false, false, false, false, false, S::kRollbackStarting, S::kRestoring},
      {S::kRestoring, false, false, false, true, false, S::kRollbackStarting, S::kRecordingFailure},
      {S::kRollbackStarting, false, false, false, false, false, S::kRollbackVerifying,
       S::kRecordingFailure},
      {S::kRollbackVerifying, false, false, false, false, false, S::kRecordingFailure,
       S::kRecordingFailure},
      {S::kRecordingFailure, false, false, false, false, false, kEnd, S::kRecordingFailure},
      // A fleet: the slot first, given back after the commit or the
      // recorded failure, the version halted after a rollback.
      {S::kTakingSlot, false, false, false, false, false, S::kPreCopying, S::kTakingSlot, true},
      {S::kTakingSlot, true, false, false, false, false, S::kStopping, S::kTakingSlot, true},
      {S::kCommitting, false, false, true, false, false, S::kReleasingSlot, S::kCommitting, true},
      {S::kRecordingFailure, false, false, false, false, false, S::kReleasingSlot,
       S::kRecordingFailure, true},
      {S::kRecordingFailure, false, false, true, false, false, S::kHalting, S::kRecordingFailure,
       true, true},
      {S::kRecordingFailure, false, false, true, false, false, kEnd, S::kRecordingFailure, false,
       true},
      {S::kReleasingSlot, false, false, false, false, false, kEnd, S::kReleasingSlot, true},
      {S::kHalting, false, false, true, false, false, kEnd, S::kHalting, true, true},
  };
  std::set<S> covered;
  for (const EdgeCase& c : cases) {
    UpgradeState s = At(c.step);
    s.fleet = c.fleet;
    s.rolled_back = c.rolled_back;
    s.skip_backup = c.skip_backup;
    s.leave_stopped = c.leave_stopped;
    s.switched = c.switched;
    s.backup_unusable = c.backup_unusable;
    s.revert = c.revert;
    EXPECT_EQ(DecideNext(s, true).next, c.on_success) << StepName(c.step);
    EXPECT_EQ(DecideNext(s, false).next, c.on_failure) << StepName(c.step);
    EXPECT_EQ(DecideNext(s, false).retry, c.on_failure == c.step) << StepName(c.step);
    covered.insert(c.step);
  }
  EXPECT_EQ(covered.size(), StepTable().size()) << "every step has its edges checked";
}

TEST(DecideNext, HappyPath) {
  EXPECT_EQ(Walk({}, {}), (Steps{"stopping", "backing-up", "swapping", "starting", "health-check",
                                 "committing"}));
}

TEST(DecideNext, SkipBackupAndManualUpgrades) {
  UpgradeState s;
  s.skip_backup = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"stopping", "swapping", "starting", "health-check", "committing"}));
  s.skip_backup = false;
  s.leave_stopped = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"stopping", "backing-up", "swapping", "committing"}));
}

TEST(DecideNext, AnOperatorsRollbackRestoresThePreviousDataAfterTheSwitch) {
  UpgradeState s;
  s.revert = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"stopping", "backing-up", "swapping", "restoring-previous",
                                "starting", "health-check", "committing"}));
  s.switched = true;  // as the swap sets it
  s.step = S::kRestoringPrevious;
  EXPECT_EQ(Walk(s, {false}),
            (Steps{"restoring-previous", "rollback-stopping", "restoring", "rollback-starting",
                   "rollback-verifying", "recording-failure"}))
      << "a failed restore of the old data is undone with the backup just taken";
}

TEST(DecideNext, FailuresBeforeTheSwitchAbort) {
  EXPECT_EQ(Walk({}, {true, false}),
            (Steps{"stopping", "backing-up", "aborting", "recording-failure"}));
  EXPECT_EQ(Walk({}, {false}), (Steps{"stopping", "aborting", "recording-failure"}));
  EXPECT_EQ(Walk({}, {true, true, false}),
            (Steps{"stopping", "backing-up", "swapping", "aborting", "recording-failure"}));
}

TEST(DecideNext, AnUnhealthyNewVersionIsRolledBack) {
  EXPECT_EQ(
      Walk({}, {true, true, true, true, false}),
      (Steps{"stopping", "backing-up", "swapping", "starting", "health-check", "rollback-stopping",
             "restoring", "rollback-starting", "rollback-verifying", "recording-failure"}));
  EXPECT_EQ(Walk({}, {true, true, true, false})[4], "rollback-stopping");
}

TEST(DecideNext, AFailedUndoLeavesTheNodeDownButARetryDoesNot) {
  for (S step : {S::kAborting, S::kRollbackStarting, S::kRollbackVerifying}) {
    EXPECT_TRUE(DecideNext(At(step), false).node_left_down) << StepName(step);
    EXPECT_FALSE(DecideNext(At(step), true).node_left_down) << StepName(step);
  }
  EXPECT_FALSE(DecideNext(At(S::kRestoring), false).node_left_down) << "retried";
  EXPECT_FALSE(DecideNext(At(S::kRollbackStopping), false).node_left_down) << "retried";
  UpgradeState gone = At(S::kRestoring);
  gone.backup_unusable = true;
  EXPECT_TRUE(DecideNext(gone, false).node_left_down) << "no backup: the node stays down";
  UpgradeState refused = At(S::kRestoring);
  refused.restore_refused = true;
  EXPECT_EQ(DecideNext(refused, false).next, S::kRollbackStarting)
      << "a backup refused before the data was touched: the old version starts on it";
  EXPECT_FALSE(DecideNext(refused, false).node_left_down);
  for (const StepSpec& spec : StepTable()) {
    if (spec.undoes) continue;
    EXPECT_FALSE(DecideNext(At(spec.step), false).node_left_down) << spec.name;
  }
}

TEST(DecideNext, EveryPathEndsInACommitOrARecordedFailure) {
  // Every combination of flags and of outcomes for the first 12 steps run
  // (retries included), then successes: the walk ends, at committing or
  // recording-failure, never goes back to stopping, and restores only after
  // the rollback's stop.
  for (int flags = 0; flags < 32; ++flags) {
    for (int outcomes = 0; outcomes < (1 << 12); ++outcomes) {
      UpgradeState s;
      s.skip_backup = flags & 1;
      s.leave_stopped = flags & 2;
      s.switched = flags & 4;
      s.backup_unusable = flags & 8;
      s.revert = flags & 16;
      bool over = false;
      for (int i = 0; i < 40 && !over; ++i) {
        StepOutcome next = DecideNext(s, i >= 12 || (outcomes & (1 << i)));
        if (!next.next) {
          over = true;
          break;
        }
        ASSERT_NE(*next.next, S::kStopping) << "never back to the start";
        if (*next.next == S::kRestoring) {
          ASSERT_TRUE(s.step == S::kRollbackStopping || s.step == S::kRestoring);
        }
        s.step = *next.next;
      }
      ASSERT_TRUE(over) << "flags " << flags << ", outcomes " << outcomes;
      ASSERT_TRUE(s.step == S::kCommitting || s.step == S::kRecordingFailure) << StepName(s.step);
    }
  }
}

TEST(DecideNext, AFleetsUpgradeTakesTheSlotFirstAndGivesItBackLast) {
  UpgradeState s = At(S::kTakingSlot);
  s.fleet = true;
  EXPECT_EQ(Walk(s, {}), (Steps{"taking-slot", "pre-copying", "stopping", "backing-up", "swapping",
                                "starting", "health-check", "committing", "releasing-slot"}));
  EXPECT_EQ(Walk(s, {true, false}), (Steps{"taking-slot", "pre-copying", "aborting",
                                           "recording-failure", "releasing-slot"}));
  UpgradeState rolled = At(S::kRecordingFailure);
  rolled.fleet = true;
  rolled.rolled_back = true;
  EXPECT_EQ(Walk(rolled, {}), (Steps{"recording-failure", "halting"}));
  EXPECT_EQ(Spec(S::kTakingSlot).node_start, NodeStartRule::kAllowed) << "the node runs meanwhile";
  EXPECT_FALSE(Spec(S::kTakingSlot).node_down);
}

/// Expectations for an agent that starts again at `step` on its `attempts`th run.
struct ResumeCase {
  S step;
  uint32_t attempts;
  S resumes_at;
  bool gives_up;
};

TEST(DecideResume, FromEveryStep) {
  const ResumeCase cases[] = {
      {S::kStopping, 2, S::kStopping, false},
      {S::kBackingUp, 2, S::kStopping, false},  // the node may have been started meanwhile
      {S::kSwapping, 2, S::kStopping, false},
      {S::kPreCopying, 2, S::kPreCopying, false},  // the node still runs: copy again
      {S::kRestoringPrevious, 2, S::kStopping, false},
      {S::kStarting, 2, S::kStopping, false},
      {S::kHealthCheck, 2, S::kHealthCheck, false},  // keeps its clock
      {S::kCommitting, 2, S::kCommitting, false},
      {S::kAborting, 2, S::kAborting, false},
      {S::kRollbackStopping, 2, S::kRollbackStopping, false},
      {S::kRestoring, 2, S::kRollbackStopping, false},  // the node may have been started
      {S::kRollbackStarting, 2, S::kRollbackStarting, false},
      {S::kRollbackVerifying, 2, S::kRollbackVerifying, false},
      {S::kRecordingFailure, 2, S::kRecordingFailure, false},
      // Forward steps are given up after three agent runs, along their failure edge.
      {S::kStopping, 3, S::kStopping, false},
      {S::kStopping, 4, S::kAborting, true},
      {S::kPreCopying, 4, S::kAborting, true},
      {S::kBackingUp, 4, S::kAborting, true},
      {S::kSwapping, 4, S::kAborting, true},
      {S::kRestoringPrevious, 4, S::kRollbackStopping, true},
      {S::kStarting, 4, S::kRollbackStopping, true},
      {S::kHealthCheck, 4, S::kRollbackStopping, true},
      // Undoing and recording are never given up.
      {S::kCommitting, 40, S::kCommitting, false},
      {S::kRollbackStopping, 40, S::kRollbackStopping, false},
      {S::kRestoring, 40, S::kRollbackStopping, false},
      {S::kRecordingFailure, 40, S::kRecordingFailure, false},
      // The fleet's steps are repeated: nothing of the node is in them.
      {S::kTakingSlot, 2, S::kTakingSlot, false},
      {S::kTakingSlot, 40, S::kTakingSlot, false},
      {S::kReleasingSlot, 40, S::kReleasingSlot, false},
      {S::kHalting, 40, S::kHalting, false},
  };
  std::set<S> covered;
  for (const ResumeCase& c : cases) {
    UpgradeState s = At(c.step);
    s.attempts = c.attempts;
    s.switched =
        c.step == S::kStarting || c.step == S::kHealthCheck || c.step == S::kRestoringPrevious;
    ResumePlan plan = DecideResume(s);
    EXPECT_EQ(plan.step, c.resumes_at) << StepName(c.step) << " attempt " << c.attempts;
    EXPECT_EQ(!plan.failure.empty(), c.gives_up) << StepName(c.step);
    covered.insert(c.step);
  }
  EXPECT_EQ(covered.size(), StepTable().size()) << "resume is checked from every step";
}

TEST(DecideResume, AStepThatWritesTheDataResumesByStoppingTheNodeFirst) {
  // After a crash or a power cut the enabled node unit may have been started:
  // every step that writes the node's data goes through a stop again.
  for (const StepSpec& spec : StepTable()) {
    if (spec.effect != StepEffect::kRestore && spec.effect != StepEffect::kRestorePrevious) {
      continue;
    }
    UpgradeState s = At(spec.step);
    s.attempts = 2;
    s.switched = true;
    S resumed = DecideResume(s).step;
    EXPECT_EQ(Spec(resumed).effect, StepEffect::kStopNode) << spec.name;
    // ...and the stop leads back to a step that writes the data.
    UpgradeState after_stop = At(resumed);
    after_stop.switched = true;
    after_stop.revert = spec.step == S::kRestoringPrevious;
    after_stop.backup_path = "/backups/v2";
    std::vector<std::string_view> walk = Walk(after_stop, {});
    EXPECT_NE(std::find(walk.begin(), walk.end(), spec.name), walk.end()) << spec.name;
  }
}

TEST(DecideNext, AnAbortWhoseSwitchBackFailedIsRetried) {
  UpgradeState s = At(S::kAborting);
  s.switched = true;  // `current` still names the new version
  StepOutcome outcome = DecideNext(s, false);
  EXPECT_EQ(outcome.next, S::kAborting);
  EXPECT_TRUE(outcome.retry);
  EXPECT_FALSE(outcome.node_left_down);
  s.switched = false;  // switched back; the old version's start failed
  EXPECT_EQ(DecideNext(s, false).next, S::kRecordingFailure);
  EXPECT_TRUE(DecideNext(s, false).node_left_down);
}

TEST(DecideResume, ASwitchedUpgradeIsGivenUpWithARollback) {
  UpgradeState s = At(S::kStopping);
  s.attempts = 4;
  s.switched = true;
  ResumePlan plan = DecideResume(s);
  EXPECT_EQ(plan.step, S::kRollbackStopping);
  EXPECT_EQ(plan.failure, "the agent stopped 3 times during this upgrade");
}

TEST(StepTable, RollbackStepsMarkTheUpgradeRolledBack) {
  for (const StepSpec& spec : StepTable()) {
    bool rollback = spec.step == S::kRollbackStopping || spec.step == S::kRestoring ||
                    spec.step == S::kRollbackStarting || spec.step == S::kRollbackVerifying;
    EXPECT_EQ(IsRollbackStep(spec.step), rollback) << spec.name;
  }
  EXPECT_TRUE(Spec(S::kRollbackStopping).done_if_unit_down) << "a stop counts once it is down";
  EXPECT_FALSE(Spec(S::kStopping).done_if_unit_down);
}

TEST(StepTable, DowntimeStepsAreTheOnesBetweenStopAndStart) {
  std::set<S> down;
  for (const StepSpec& spec : StepTable()) {
    if (spec.node_down) down.insert(spec.step);
  }
  EXPECT_EQ(down, (std::set<S>{S::kBackingUp, S::kSwapping, S::kRestoringPrevious, S::kStarting,
                               S::kAborting, S::kRestoring, S::kRollbackStarting}));
}

/// The step names in the Python literal assigned to `variable` in `text` (a
/// list of "name", "done:name" or "enter:name", or a dict keyed by name).
std::set<std::string> E2eSteps(const std::string& text, const std::string& variable) {
  size_t at = text.find("\n" + variable + " = ");
  EXPECT_NE(at, std::string::npos) << variable << " is not in the e2e crash tests";
  if (at == std::string::npos) return {};
  size_t open = at + variable.size() + 4;
  size_t end = text.find(text[open] == '[' ? ']' : '}', open);
  std::set<std::string> names;
  for (size_t q = text.find('"', open); q < end; q = text.find('"', q + 1)) {
    size_t close = text.find('"', q + 1);
    std::string item = text.substr(q + 1, close - q - 1);
    bool key = text[open] == '{' && text.find_first_not_of(' ', close + 1) == text.find(':', close);
    if (text[open] == '[' || key) names.insert(item.substr(item.find(':') + 1));
    q = close;
  }
  return names;
}

// The end-to-end crash suites name steps by hand (Python cannot read this
// table): each suite's lists and its excuses must name every step of the
// table, and nothing else.
TEST(StepTable, TheEndToEndCrashSuitesNameEveryStep) {
  std::string text =
      testing::ReadFileOrDie(std::filesystem::path(SOURCE_DIR) / "tests/e2e/test_reliability.py");
  const std::vector<std::vector<std::string>> suites = {
      {"UPGRADE_POINTS", "ROLLBACK_POINTS", "CRASH_POINTS_ELSEWHERE"},
      {"UPGRADE_CUTS", "ROLLBACK_CUTS", "ABORT_CUTS", "CUTS_ELSEWHERE"},
  };
  std::set<std::string> table;
  for (const StepSpec& spec : StepTable()) table.insert(std::string(spec.name));
  for (const std::vector<std::string>& lists : suites) {
    std::set<std::string> named;
    for (const std::string& list : lists) named.merge(E2eSteps(text, list));
    EXPECT_EQ(named, table) << "in test_reliability.py, " << lists.front() << " and the lists "
                            << "after it: add the step or excuse it in " << lists.back();
  }
}

TEST(ParseStepDelays, ReadsStepDurationPairs) {
  StepDelays d = *ParseStepDelays("backing-up=5s,health-check=1m");
  EXPECT_EQ(d.at(S::kBackingUp), 5s);
  EXPECT_EQ(d.at(S::kHealthCheck), 1min);
  EXPECT_FALSE(ParseStepDelays("dancing=5s").ok());
  EXPECT_FALSE(ParseStepDelays("backing-up").ok());
  EXPECT_FALSE(ParseStepDelays("backing-up=soon").ok());
  EXPECT_TRUE(ParseStepDelays("")->empty());
}

}  // namespace
}  // namespace nymvisor
