#include "tests/support/upgrade_world.h"

#include <unistd.h>

#include <algorithm>

#include "agent/decide/node_start_guard.h"
#include "agent/decide/rollback_plan.h"

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
  if (path.revert) RunV2();
  boot_id_ = "boot-1";
}

void UpgradeWorld::RunV2() {
  const std::string before_v2 = "/backups/v2/backup-0";
  host_.backups[before_v2] = kPreUpgradeData;
  host_.data = "v2-migrated";
  EXPECT_TRUE(records_.SwitchCurrent("v2", "1.2.0", NodeBuildInfo("1.2.0"), clock_.Now()).ok());
  EXPECT_TRUE(store_.SavePlan({target_, {}}).ok());
  HistoryEntry applied{clock_.Now(), target_, UpgradeOutcome::kCompleted, "", before_v2};
  EXPECT_TRUE(store_.SaveHistory({{applied}}).ok());
}

UpgradeState UpgradeWorld::Start() {
  if (!path_.revert) {
    UpgradeState s = Initial();
    s.fleet = path_.fleet;  // as Agent::BeginUpgrade sets it
    return s;
  }
  // What Agent::PlanRollback makes of the records: genesis is the version
  // before v2, and the backup recorded with v2's completion holds its data.
  Result<RollbackTarget> to = FindRollbackTarget(*store_.LoadPlan(), *store_.LoadHistory());
  Result<nymvisor::CurrentVersion> current = store_.LoadCurrentVersion();
  if (!to.ok() || !current.ok() || to->to || !to->from_backup) {
    ADD_FAILURE() << "the records of the world running v2 do not plan a rollback to genesis";
    return Initial();
  }
  UpgradeState s;
  s.target = genesis_;
  s.target_build = NodeBuildInfo("1.1.0");
  s.from_name = current->name;
  s.from_version = current->version;
  s.from_build = current->binary_details;
  s.started_at = clock_.Now();
  s.revert = true;
  s.revert_backup = *to->from_backup;
  s.target_backup = to->to_backup;
  s.requested_by = "uid 0 (root)";
  return s;
}

std::string UpgradeWorld::CurrentVersion() const {
  return CurrentTarget() == layout_.UpgradeDir("v2").string() ? "1.2.0" : "1.1.0";
}

void UpgradeWorld::NewAgent(std::optional<CrashPoint> crash_at, bool resume) {
  worker_.Clear();  // the old agent's threads died with it
  fleet_lane_->Clear();
  TestHooks hooks{.crash_at = crash_at, .crash = [this] {
                    died_ = true;
                    throw AgentDied{};
                  }};
  RunnerSettings settings{.unit = kUnit, .health = health_, .hooks = std::move(hooks)};
  runner_.reset();
  fleet_.reset();
  if (path_.fleet) {
    fleet_.emplace(FleetDeps{.etcd = *fleet_etcd_,
                             .files = files_,
                             .record_file = layout_.FleetSlotFile(),
                             .clock = clock_,
                             .scheduler = scheduler_,
                             .lane = FleetLane(*fleet_lane_),
                             .log = log_},
                   fleet_settings_);
    fleet_->Start();
  }
  RunnerDeps deps{.systemd = systemd_,
                  .backups = host_,
                  .records = records_,
                  .clock = clock_,
                  .scheduler = scheduler_,
                  .worker = BackupLane(worker_),
                  .log = log_,
                  .changed =
                      [this] {
                        if (runner_->state()) visited_.insert(runner_->state()->step);
                      },
                  .boot_id = [this] { return boot_id_; },
                  .fleet = fleet_ ? &*fleet_ : nullptr};
  runner_.emplace(deps, settings, [this](const UpgradeState& s, bool committed) {
    finished_ = s;
    committed_ = committed;
    starts_when_finished_ = host_.starts.size();
  });
  if (!resume) return;
  Result<std::optional<UpgradeState>> saved = records_.LoadState();
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  if (*saved) runner_->Resume(**saved);
}

void UpgradeWorld::Begin() { ASSERT_TRUE(runner_->Begin(Start()).ok()); }

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
  if (path_.revert) CheckRevertStarts();
  if (path_.fleet) CheckFleet();
  EXPECT_EQ(host_.violations, std::vector<std::string>{});
  CheckRecords();
  // An upgrade committed, or an operator's rollback undone, keeps v2.
  bool v2_kept = committed_ != path_.revert;
  if (!finished_->node_down) {
    EXPECT_TRUE(host_.NodeRuns()) << "the node runs";
    EXPECT_EQ(host_.data, v2_kept ? "v2-migrated" : kPreUpgradeData);
  }
  // The machine restarts once more: the node comes up on what the records say.
  host_.PowerCut();
  host_.Boot();
  for (size_t i = starts_when_finished_; i < host_.starts.size(); ++i) {
    EXPECT_EQ(host_.starts[i].version, v2_kept ? "1.2.0" : "1.1.0")
        << "after the end only the kept version runs";
  }
}

void UpgradeWorld::CheckRecords() {
  std::string name = store_.LoadCurrentVersion()->name;
  EXPECT_EQ(name, committed_ != path_.revert ? "v2" : "genesis");
  EXPECT_EQ(store_.LoadPlan()->current.name, name) << "the plan agrees";
  EXPECT_EQ(CurrentTarget(), layout_.UpgradeDir(name).string()) << "the current link agrees";
  const UpgradeHistory history = *store_.LoadHistory();
  const std::string& begun = finished_->target.name;
  if (!committed_) {
    const UpgradePlan plan = *store_.LoadPlan();
    EXPECT_TRUE(std::none_of(plan.queued_up.begin(), plan.queued_up.end(),
                             [&](const UpgradeInfo& u) { return u.name == begun; }))
        << "the failed version is no longer queued";
    EXPECT_EQ(history.history.back().info.name, begun);
    EXPECT_NE(history.history.back().outcome, UpgradeOutcome::kCompleted);
  } else if (path_.revert) {
    const HistoryEntry* undone = LastEntryFor(history, "v2");
    ASSERT_NE(undone, nullptr);
    EXPECT_EQ(undone->outcome, UpgradeOutcome::kReverted) << "the history says v2 was undone";
    EXPECT_EQ(history.history.back().info.name, "genesis");
    EXPECT_EQ(history.history.back().outcome, UpgradeOutcome::kCompleted);
  }
}

void UpgradeWorld::CheckFleet() {
  EXPECT_FALSE(std::filesystem::exists(layout_.FleetSlotFile())) << "the slot was given back";
  Result<FleetKeys> keys = FleetKeys::For("g");
  auto count = [&](const std::string& prefix) {
    Result<EtcdRangeResult> r = etcd_.Range({.key = prefix, .range_end = EtcdPrefixEnd(prefix)});
    return r.ok() ? r->kvs.size() : size_t{99};
  };
  EXPECT_EQ(count(keys->SlotsPrefix()), 0u) << "no slot key is left";
  EXPECT_EQ(count(keys->ProgressPrefix()), 0u) << "no progress mark is left";
  EXPECT_EQ(count(keys->HaltPrefix()), finished_->rolled_back ? 1u : 0u)
      << "a rollback halts the version, nothing else does";
  EXPECT_EQ(count(keys->DonePrefix()), committed_ ? 1u : 0u) << "a commit leaves its done mark";
}

void UpgradeWorld::CheckRevertStarts() {
  for (const FakeHost::NodeStart& start : host_.starts) {
    bool own = (start.version == "1.2.0" && start.data == "v2-migrated") ||
               (start.version == "1.1.0" && start.data == kPreUpgradeData);
    EXPECT_TRUE(own) << start.version << " started on " << start.data
                     << " during an operator's rollback";
  }
}

}  // namespace nymvisor::testing
