#include "tests/support/fleet_model_host.h"

namespace nymvisor::testing {

ModelHost::ModelHost(FakeEtcd& shared, int index, FleetSettings settings, bool unhealthy,
                     bool backup_fails)
    : UpgradeWorld(UpgradePath{
          .name = "model", .unhealthy = unhealthy, .backup_fails = backup_fails, .fleet = true}),
      name_("h" + std::to_string(index)) {
  fleet_etcd_ = &shared;
  fleet_lane_ = &fleet_worker_;
  fleet_settings_ = std::move(settings);
  fleet_settings_.group = "g";
  fleet_settings_.holder = "mixnode@" + std::string(31, 'a') + std::to_string(index);
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
