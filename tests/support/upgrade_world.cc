#include "tests/support/upgrade_world.h"

#include <unistd.h>

#include <algorithm>

#include "agent/decide/node_start_guard.h"

namespace nymvisor::testing {

namespace {

/// A tmpfs where there is one: a world writes upgrade-state.json (with its
/// fsyncs) dozens of times, and the matrix and the property test make
/// hundreds of worlds.
std::filesystem::path FastBase() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

}  // namespace

UpgradeWorld::UpgradeWorld(UpgradePath path)
    : RunnerFixture(FastBase()),
      path_(path),
      host_(systemd_, kUnit, [this] { return CurrentVersion(); }) {
  WriteFile(layout_.UpgradeBinary("v2"), "new", 0755);
  systemd_.may_start = [this](const std::string& unit) {
    if (unit != kUnit) return true;
    // What `nymvisor exec` decides from the same records (it fails closed).
    Result<std::optional<UpgradeState>> recorded = records_.LoadState();
    Result<NodeDownRecord> down = records_.LoadNodeDown();
    if (!recorded.ok() || (!down.ok() && !down.status().IsNotFound())) return false;
    std::optional<NodeDownRecord> left_down;
    if (down.ok()) left_down = *down;
    return DecideNodeStart("mixnode", *recorded, left_down).ok();
  };
  if (path.backup_fails) host_.fail_create = Status::Error("No space left on device");
  boot_id_ = "boot-1";
}

std::string UpgradeWorld::CurrentVersion() const {
  return CurrentTarget() == layout_.UpgradeDir("v2").string() ? "1.2.0" : "1.1.0";
}

void UpgradeWorld::NewAgent(std::optional<CrashPoint> crash_at, bool resume) {
  worker_.Clear();  // the old agent's threads died with it
  RunnerSettings settings;
  settings.unit = kUnit;
  settings.health = health_;
  settings.hooks.crash_at = crash_at;
  settings.hooks.crash = [this] {
    died_ = true;
    throw AgentDied{};
  };
  runner_.emplace(RunnerDeps{systemd_, host_, records_, clock_, scheduler_, worker_, log_,
                             [this] {
                               if (runner_->state()) visited_.insert(runner_->state()->step);
                             },
                             [this] { return boot_id_; }},
                  settings, [this](const UpgradeState& s, bool committed) {
                    finished_ = s;
                    committed_ = committed;
                    starts_when_finished_ = host_.starts.size();
                  });
  if (!resume) return;
  Result<std::optional<UpgradeState>> saved = records_.LoadState();
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  if (*saved) runner_->Resume(**saved);
}

void UpgradeWorld::Begin() { ASSERT_TRUE(runner_->Begin(Initial()).ok()); }

void UpgradeWorld::Step() {
  const std::optional<UpgradeState>& s = runner_->state();
  bool up = systemd_.units[kUnit].active_state == ActiveState::kActive;
  if (path_.unhealthy && s && s->step == UpgradeStep::kHealthCheck && up) {
    systemd_.Change(kUnit, [](UnitState& u) {
      u.active_state = ActiveState::kFailed;
      u.sub_state = "failed";
    });
  } else if (!systemd_.pending.empty()) {
    systemd_.Finish();
  } else if (worker_.queued() > 0) {
    worker_.RunAll();
  } else {
    scheduler_.Advance(std::chrono::seconds(10));
  }
}

void UpgradeWorld::Die(bool power) {
  if (power) {
    host_.PowerCut();
    boot_id_ = "boot-" + std::to_string(++boots_);
    host_.Boot();
  }
  NewAgent(std::nullopt, /*resume=*/true);
}

void UpgradeWorld::DriveToTheEnd(bool power) {
  for (int i = 0; i < 500 && !finished_; ++i) {
    try {
      Step();
    } catch (const AgentDied&) {
      Die(power);
    }
  }
}

void UpgradeWorld::CheckPromises() {
  ASSERT_TRUE(finished_.has_value()) << "the upgrade ended";
  EXPECT_FALSE(records_.LoadState()->has_value()) << "no upgrade left in flight";
  EXPECT_EQ(host_.UnsoundStarts(), std::vector<std::string>{})
      << "a node start on data that is neither the pre-upgrade data nor its own";
  EXPECT_EQ(host_.violations, std::vector<std::string>{});
  std::string name = store_.LoadCurrentVersion()->name;
  EXPECT_EQ(name, committed_ ? "v2" : "genesis");
  EXPECT_EQ(store_.LoadPlan()->current.name, name) << "the plan agrees";
  EXPECT_EQ(CurrentTarget(),
            (name == "genesis" ? layout_.GenesisDir() : layout_.UpgradeDir(name)).string())
      << "the current link agrees";
  if (!finished_->node_down) {
    EXPECT_TRUE(host_.NodeRuns()) << "the node runs";
    EXPECT_EQ(host_.data, committed_ ? "v2-migrated" : kPreUpgradeData);
  }
  if (!committed_) {
    const UpgradePlan plan = *store_.LoadPlan();
    EXPECT_TRUE(std::none_of(plan.queued_up.begin(), plan.queued_up.end(),
                             [](const UpgradeInfo& u) { return u.name == "v2"; }))
        << "the failed version is no longer queued";
    EXPECT_EQ(store_.LoadHistory()->history.back().info.name, "v2");
    EXPECT_NE(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kCompleted);
  }
  // The machine restarts once more: the node comes up on what the records say.
  host_.PowerCut();
  host_.Boot();
  for (size_t i = starts_when_finished_; i < host_.starts.size(); ++i) {
    EXPECT_EQ(host_.starts[i].version, committed_ ? "1.2.0" : "1.1.0")
        << "after the end only the kept version runs";
  }
}

}  // namespace nymvisor::testing
