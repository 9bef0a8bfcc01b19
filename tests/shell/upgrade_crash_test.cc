// Crash consistency of the upgrade state machine: the agent dies (the test
// hook throws where the real one sends SIGKILL) right after each step is
// recorded and right after each step's effect, on the upgrade path and the
// rollback path; a new runner resumes from the records. Every run must end
// with the node running one version that the records, the `current` link
// and the plan all agree on, and no upgrade in flight.
#include <gtest/gtest.h>

#include "agent/shell/upgrade_runner.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

struct Crashed {};

struct CrashCase {
  CrashPoint at;
  bool unhealthy;  ///< the new version fails its health check: the rollback path
};

std::string Name(const CrashCase& c) {
  std::string name = std::string(c.at.after_effect ? "done_" : "enter_") +
                     std::string(StepName(c.at.step)) + (c.unhealthy ? "_rollback" : "_upgrade");
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

class UpgradeCrashTest : public testing::RunnerFixture,
                         public ::testing::WithParamInterface<CrashCase> {
 protected:
  UpgradeCrashTest() {
    testing::WriteFile(layout_.UpgradeBinary("v2"), "new", 0755);
    ArmCrash();
  }
  void ArmCrash() {
    crash_ = [this] {
      if (crashed_) return;
      crashed_ = true;
      throw Crashed{};
    };
  }
  /// Drives systemd, the worker and time until the upgrade ends, restarting
  /// the runner from the records after the crash.
  void DriveToTheEnd() {
    for (int i = 0; i < 200 && !finished_; ++i) {
      try {
        Step();
      } catch (const Crashed&) {
        MakeRunnerWithHook();
        std::optional<UpgradeState> saved = *records_.LoadState();
        if (!saved) return;  // the crash came after the end was recorded
        runner_->Resume(*saved);
      }
    }
  }
  void Step() {
    const std::optional<UpgradeState>& s = runner_->state();
    if (GetParam().unhealthy && s && s->step == UpgradeStep::kHealthCheck && !failed_once_) {
      failed_once_ = true;
      systemd_.Change(kUnit, [](UnitState& u) {
        u.active_state = ActiveState::kFailed;
        u.sub_state = "failed";
      });
    } else if (!systemd_.pending.empty()) {
      systemd_.Finish();
    } else if (worker_.queued() > 0) {
      worker_.RunAll();
    } else {
      scheduler_.Advance(10s);
    }
  }
  void MakeRunnerWithHook() {
    MakeRunner();
    // MakeRunner copies the fixture's settings; the hook goes in again.
    RunnerSettings settings;
    settings.unit = kUnit;
    settings.health = {120s, 2};
    settings.hooks.crash_at = GetParam().at;
    settings.hooks.crash = crash_;
    runner_.emplace(RunnerDeps{systemd_, backups_, records_, clock_, scheduler_, worker_, log_,
                               [] {}, [] { return std::string("boot-1"); }},
                    settings, [this](const UpgradeState& s, bool committed) {
                      finished_ = s;
                      committed_ = committed;
                    });
  }
  std::function<void()> crash_;
  bool crashed_ = false;
  bool failed_once_ = false;
};

TEST_P(UpgradeCrashTest, EndsOnOneVersionThatEveryRecordAgreesOn) {
  systemd_.units[kUnit].active_state = ActiveState::kActive;
  MakeRunnerWithHook();
  try {
    BeginUpgrade(Initial());
  } catch (const Crashed&) {
    MakeRunnerWithHook();
    runner_->Resume(**records_.LoadState());
  }
  DriveToTheEnd();
  EXPECT_TRUE(crashed_) << "the crash point is on this path";
  std::optional<UpgradeState> left = *records_.LoadState();
  EXPECT_FALSE(left.has_value()) << "no upgrade left in flight";
  EXPECT_EQ(systemd_.units[kUnit].active_state, ActiveState::kActive) << "the node runs";
  std::string name = store_.LoadCurrentVersion()->name;
  EXPECT_EQ(name, GetParam().unhealthy ? "genesis" : "v2");
  EXPECT_EQ(store_.LoadPlan()->current.name, name) << "the plan agrees";
  EXPECT_EQ(CurrentTarget(),
            name == "genesis" ? layout_.GenesisDir().string() : layout_.UpgradeDir(name).string())
      << "the current link agrees";
  if (!GetParam().unhealthy) {
    EXPECT_TRUE(committed_ || !finished_) << "committed";
  }
}

std::vector<CrashCase> AllCrashPoints() {
  std::vector<CrashCase> cases;
  using S = UpgradeStep;
  const std::vector<S> upgrade = {S::kStopping, S::kBackingUp,   S::kSwapping,
                                  S::kStarting, S::kHealthCheck, S::kCommitting};
  const std::vector<S> rollback = {S::kStopping,        S::kBackingUp,        S::kSwapping,
                                   S::kStarting,        S::kHealthCheck,      S::kRollbackStopping,
                                   S::kRestoring,       S::kRollbackStarting, S::kRollbackVerifying,
                                   S::kRecordingFailure};
  for (bool unhealthy : {false, true}) {
    for (S step : unhealthy ? rollback : upgrade) {
      for (bool after : {false, true}) cases.push_back({{step, after}, unhealthy});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryStep, UpgradeCrashTest, ::testing::ValuesIn(AllCrashPoints()),
                         [](const auto& info) { return Name(info.param); });

}  // namespace
}  // namespace nymvisor
