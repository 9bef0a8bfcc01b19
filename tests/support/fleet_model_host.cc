#include "tests/support/fleet_model_host.h"

namespace nymvisor::testing {

ModelHost::ModelHost(FakeEtcd& shared, int index, FleetSettings settings, bool unhealthy,
                     bool backup_fails)
    : UpgradeWorld(UpgradePath{
          .name = "model", .unhealthy = unhealthy, .backup_fails = backup_fails, .fleet = true}),
      shared_(shared),
      settings_(std::move(settings)),
      name_("h" + std::to_string(index)) {
  settings_.group = "g";
  settings_.holder = "mixnode@" + std::string(31, 'a') + std::to_string(index);
}

void ModelHost::NewAgent(std::optional<CrashPoint> crash_at, bool resume) {
  worker_.Clear();  // the old agent's threads died with it
  fleet_worker_.Clear();
  TestHooks hooks{.crash_at = crash_at, .crash = [this] {
                    died_ = true;
                    throw AgentDied{};
                  }};
  RunnerSettings settings{.unit = kUnit, .health = health_, .hooks = std::move(hooks)};
  runner_.reset();
  fleet_.reset();
  fleet_.emplace(FleetDeps{.etcd = shared_,
                           .files = files_,
                           .record_file = layout_.FleetSlotFile(),
                           .clock = clock_,
                           .scheduler = scheduler_,
                           .lane = FleetLane(fleet_worker_),
                           .log = log_},
                 settings_);
  fleet_->Start();
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
                  .fleet = &*fleet_};
  runner_.emplace(deps, settings, [this](const UpgradeState& s, bool committed) {
    finished_ = s;
    committed_ = committed;
  });
  if (!resume) return;
  Result<std::optional<UpgradeState>> saved = records_.LoadState();
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  if (*saved) runner_->Resume(**saved);
}

void ModelHost::Die(bool power) {
  if (power) {
    host_.PowerCut();
    boot_id_ = "boot-" + std::to_string(++boots_);
    host_.Boot();
  }
  NewAgent(std::nullopt, /*resume=*/true);
}

std::vector<ModelHost::Action> ModelHost::Actions() const {
  std::vector<Action> out;
  if (path_.unhealthy && step() == UpgradeStep::kHealthCheck && NodeActive()) {
    out.push_back(Action::kFailHealth);
  }
  if (!systemd_.pending.empty()) out.push_back(Action::kFinishJob);
  if (fleet_worker_.queued() > 0) out.push_back(Action::kRunFleet);
  if (worker_.queued() > 0) out.push_back(Action::kRunWorker);
  return out;
}

void ModelHost::Act(Action action) {
  switch (action) {
    case Action::kFailHealth:
      systemd_.Change(kUnit, [](UnitState& u) {
        u.active_state = ActiveState::kFailed;
        u.sub_state = "failed";
      });
      break;
    case Action::kFinishJob:
      systemd_.Finish();
      break;
    case Action::kRunFleet:
      fleet_worker_.RunAll();
      break;
    case Action::kRunWorker:
      worker_.RunAll();
      break;
  }
}

std::optional<UpgradeStep> ModelHost::step() const {
  if (!runner_ || !runner_->state()) return std::nullopt;
  return runner_->state()->step;
}

bool ModelHost::NodeActive() const {
  auto it = systemd_.units.find(kUnit);
  return it != systemd_.units.end() && it->second.active_state == ActiveState::kActive;
}

bool ModelHost::SlotFileExists() const { return std::filesystem::exists(layout_.FleetSlotFile()); }

}  // namespace nymvisor::testing

namespace nymvisor::testing {

std::optional<Timestamp> ModelHost::CommittedAt() {
  Result<UpgradeHistory> history = store_.LoadHistory();
  if (!history.ok()) return std::nullopt;
  const HistoryEntry* entry = LastEntryFor(*history, "v2");
  if (entry == nullptr || entry->outcome != UpgradeOutcome::kCompleted) return std::nullopt;
  return entry->performed_at;
}

}  // namespace nymvisor::testing
