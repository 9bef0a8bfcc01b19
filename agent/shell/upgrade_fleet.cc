#include "agent/shell/upgrade_runner.h"

// The upgrade's fleet steps (docs/fleet.md): taking-slot, releasing-slot
// and halting. Each asks the FleetCoordinator, whose answers come back on
// the main thread; an answer for a request that is no longer current (the
// upgrade was abandoned meanwhile) is dropped.

namespace nymvisor {

void UpgradeRunner::FinishOrHandOver(bool committed) {
  if (!state_->fleet) return Finish(committed);
  state_->committed = committed;
  Advance(true);
}

void UpgradeRunner::RunTakeSlot() {
  if (!deps_.fleet) return Advance(true);  // the fleet was configured away: go alone
  uint64_t round = ++fleet_round_;
  deps_.fleet->Ask(state_->target.version, [this, round](const FleetAnswer& answer) {
    if (round != fleet_round_ || !waiting_for_slot()) return;
    if (deps_.changed) deps_.changed();
    if (answer.proceed) return Advance(true);
    Duration again = answer.waiting_for == FleetWait::kSlot ? settings_.fleet_queue_ask_every
                                                            : settings_.fleet_ask_every;
    timer_ = deps_.scheduler.After(again, [this] {
      timer_ = 0;
      RunTakeSlot();
    });
  });
}

void UpgradeRunner::RunReleaseSlot() {
  if (!deps_.fleet) return Finish(state_->committed);
  uint64_t round = ++fleet_round_;
  deps_.fleet->Release(state_->target.version, state_->committed, [this, round](const Status& st) {
    if (round != fleet_round_ || !state_) return;
    if (!st.ok()) return Advance(false, st.message());
    Finish(state_->committed);
  });
}

void UpgradeRunner::RunHaltFleet() {
  if (!deps_.fleet) return Finish(false);
  uint64_t round = ++fleet_round_;
  std::string reason = state_->target.version + " rolled back on " +
                       deps_.fleet->settings().holder + ": " + state_->failure;
  deps_.fleet->Halt(state_->target.version, reason, [this, round](const Status& st) {
    if (round != fleet_round_ || !state_) return;
    if (!st.ok()) return Advance(false, st.message());
    deps_.log.Warning("fleet: halted " + state_->target.version + " for group " +
                      deps_.fleet->settings().group + " (nymvisor fleet clear-halt resumes it)");
    Finish(false);
  });
}

bool UpgradeRunner::AbandonWhileWaiting() {
  if (!waiting_for_slot()) return false;
  CancelTimers();
  ++fleet_round_;
  if (deps_.fleet) deps_.fleet->Withdraw();
  if (Status st = deps_.records.ClearState(); !st.ok()) deps_.log.Error(st.message());
  deps_.log.Info("upgrade " + state_->target.name +
                 " no longer waits for a fleet slot; the node was not touched");
  state_.reset();
  if (deps_.changed) deps_.changed();
  return true;
}

}  // namespace nymvisor
