// The crash matrix, generated from the step table: every step of
// StepTable() crossed with four faults (the agent killed right after the
// step is recorded or right after its effect; the power cut at the same two
// points, so the machine boots, the enabled node unit starts as far as the
// start guard lets it, and a new agent resumes), plus a power cut in the
// middle of each step that restores data. Each is run on every path through
// the step (an upgrade, a rollback, an abort, an operator's rollback and one
// that fails and is undone), and each run must keep every
// promise of the rollback path (UpgradeWorld::CheckPromises). A step that no
// path reaches fails its cases: a new step needs a path, never a hand edit.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "agent/decide/upgrade_steps.h"
#include "tests/support/upgrade_world.h"

namespace nymvisor {
namespace {

using testing::UpgradePath;
using testing::UpgradeWorld;

enum class Fault {
  kKillOnEnter,
  kKillAfterEffect,
  kPowerCutOnEnter,
  kPowerCutAfterEffect,
  kPowerCutMidRestore
};

struct MatrixCase {
  UpgradeStep step;
  Fault fault;
};

const UpgradePath kPaths[] = {
    {"upgrade", false, false},
    {"rollback", true, false},
    {"abort", false, true},
    {"revert", false, false, true},
    {"failed_revert", true, false, true},
    {"aborted_revert", false, true, true},
    // In a fleet: the slot is taken first and given back, or the version
    // halted, at the end.
    {"fleet_upgrade", false, false, false, true},
    {"fleet_rollback", true, false, false, true},
    {"fleet_abort", false, true, false, true},
};

bool WritesData(UpgradeStep step) {
  StepEffect effect = Spec(step).effect;
  return effect == StepEffect::kRestore || effect == StepEffect::kRestorePrevious;
}

std::vector<MatrixCase> FromTheStepTable() {
  std::vector<MatrixCase> cases;
  for (const StepSpec& spec : StepTable()) {
    for (Fault fault : {Fault::kKillOnEnter, Fault::kKillAfterEffect, Fault::kPowerCutOnEnter,
                        Fault::kPowerCutAfterEffect}) {
      cases.push_back({spec.step, fault});
    }
    if (WritesData(spec.step)) cases.push_back({spec.step, Fault::kPowerCutMidRestore});
  }
  return cases;
}

std::string Name(const MatrixCase& c) {
  static const std::map<Fault, std::string> kNames = {
      {Fault::kKillOnEnter, "killed_on_entering"},
      {Fault::kKillAfterEffect, "killed_after_effect"},
      {Fault::kPowerCutOnEnter, "power_cut_on_entering"},
      {Fault::kPowerCutAfterEffect, "power_cut_after_effect"},
      {Fault::kPowerCutMidRestore, "power_cut_mid_restore"}};
  std::string name = std::string(StepName(c.step)) + "_" + kNames.at(c.fault);
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

/// The steps each path runs when nothing goes wrong, found by running it.
const std::set<UpgradeStep>& StepsOf(const UpgradePath& path) {
  static std::map<std::string, std::set<UpgradeStep>> known;
  auto it = known.find(path.name);
  if (it != known.end()) return it->second;
  UpgradeWorld world(path);
  world.NewAgent(std::nullopt, false);
  world.Begin();
  world.DriveToTheEnd(false);
  EXPECT_TRUE(world.finished_.has_value()) << "path " << path.name << " ends";
  return known[path.name] = world.visited_;
}

void RunCase(const UpgradePath& path, const MatrixCase& c) {
  UpgradeWorld world(path);
  bool power = c.fault != Fault::kKillOnEnter && c.fault != Fault::kKillAfterEffect;
  bool after = c.fault == Fault::kKillAfterEffect || c.fault == Fault::kPowerCutAfterEffect;
  if (c.fault == Fault::kPowerCutMidRestore) {
    world.NewAgent(std::nullopt, false);
    // The restore of this step: a failed operator's rollback restores twice.
    world.host_.during_restore = [&world, step = c.step] {
      if (world.died_ || world.runner_->state()->step != step) return;
      world.died_ = true;
      throw testing::AgentDied{};
    };
  } else {
    world.NewAgent(CrashPoint{c.step, after}, false);
  }
  try {
    world.Begin();
  } catch (const testing::AgentDied&) {
    world.Die(power);
  }
  world.DriveToTheEnd(power);
  EXPECT_TRUE(world.died_) << "the fault happened";
  world.CheckPromises();
}

class CrashMatrixTest : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(CrashMatrixTest, EveryPathThroughTheStepKeepsThePromises) {
  const MatrixCase& c = GetParam();
  int paths = 0;
  for (const UpgradePath& path : kPaths) {
    if (!StepsOf(path).contains(c.step)) continue;
    SCOPED_TRACE(std::string("path: ") + path.name);
    RunCase(path, c);
    ++paths;
  }
  EXPECT_GT(paths, 0) << "no path reaches step " << StepName(c.step)
                      << ": add one to kPaths so its crashes are tested";
}

INSTANTIATE_TEST_SUITE_P(StepTable, CrashMatrixTest, ::testing::ValuesIn(FromTheStepTable()),
                         [](const auto& info) { return Name(info.param); });

TEST(CrashMatrix, ThePathsRunTheStepsTheyAreNamedFor) {
  using S = UpgradeStep;
  EXPECT_TRUE(StepsOf(kPaths[0]).contains(S::kCommitting));
  EXPECT_FALSE(StepsOf(kPaths[0]).contains(S::kRollbackStopping));
  EXPECT_TRUE(StepsOf(kPaths[1]).contains(S::kRestoring));
  EXPECT_TRUE(StepsOf(kPaths[2]).contains(S::kAborting));
  EXPECT_FALSE(StepsOf(kPaths[2]).contains(S::kSwapping));
  EXPECT_TRUE(StepsOf(kPaths[3]).contains(S::kRestoringPrevious));
  EXPECT_TRUE(StepsOf(kPaths[3]).contains(S::kCommitting));
  EXPECT_FALSE(StepsOf(kPaths[3]).contains(S::kRestoring));
  EXPECT_TRUE(StepsOf(kPaths[4]).contains(S::kRestoringPrevious));
  EXPECT_TRUE(StepsOf(kPaths[4]).contains(S::kRestoring));
  EXPECT_TRUE(StepsOf(kPaths[5]).contains(S::kAborting));
  EXPECT_TRUE(StepsOf(kPaths[6]).contains(S::kTakingSlot));
  EXPECT_TRUE(StepsOf(kPaths[6]).contains(S::kReleasingSlot));
  EXPECT_FALSE(StepsOf(kPaths[6]).contains(S::kHalting));
  EXPECT_TRUE(StepsOf(kPaths[7]).contains(S::kHalting));
  EXPECT_TRUE(StepsOf(kPaths[8]).contains(S::kReleasingSlot));
  EXPECT_FALSE(StepsOf(kPaths[0]).contains(S::kTakingSlot)) << "no fleet, no fleet steps";
}

// The operator's rollback, run without a fault, ends as it promises: genesis
// on the data from before v2, or (undone) v2 on its own data.
TEST(CrashMatrix, TheOperatorsRollbackPathsEndOnTheirData) {
  for (const UpgradePath& path : {kPaths[3], kPaths[4]}) {
    SCOPED_TRACE(path.name);
    UpgradeWorld world(path);
    world.NewAgent(std::nullopt, false);
    world.Begin();
    world.DriveToTheEnd(false);
    EXPECT_EQ(world.committed_, !path.unhealthy);
    EXPECT_EQ(world.host_.data, path.unhealthy ? "v2-migrated" : testing::kPreUpgradeData);
    EXPECT_EQ(world.CurrentVersion(), path.unhealthy ? "1.2.0" : "1.1.0");
    world.CheckPromises();
  }
}

// Two power cuts: after the switch (recorded as swapping, not yet as
// switched), then while the resumed agent stops the node. At the second boot
// `current` names the version begun, which must not start on its own.
TEST(CrashMatrix, ASecondPowerCutAfterAnUnrecordedSwitchStartsNothingUnchecked) {
  for (const UpgradePath& path : kPaths) {
    if (!StepsOf(path).contains(UpgradeStep::kSwapping)) continue;
    SCOPED_TRACE(path.name);
    UpgradeWorld world(path);
    world.NewAgent(CrashPoint{UpgradeStep::kSwapping, true}, false);
    try {
      world.Begin();
      for (int i = 0; i < 100; ++i) world.Step();
    } catch (const testing::AgentDied&) {
    }
    ASSERT_TRUE(world.died_);
    world.Die(/*power=*/true);
    ASSERT_EQ(world.runner_->state()->step, UpgradeStep::kStopping);
    world.host_.PowerCut();
    world.host_.Boot();
    world.NewAgent(std::nullopt, /*resume=*/true);
    world.DriveToTheEnd(true);
    world.CheckPromises();
  }
}

}  // namespace
}  // namespace nymvisor
