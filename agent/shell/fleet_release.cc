// FleetCoordinator's second half: giving the slot back after an upgrade
// (its done mark, or a halt), and withdrawing a slot an abandoned upgrade
// waited for. Same threads as fleet_coordinator.cc.
#include <nlohmann/json.hpp>

#include "agent/shell/fleet_coordinator.h"

namespace nymvisor {

void FleetCoordinator::WithdrawBlocking(const std::string& holder, Outcome& o) {
  if (lane_.record && lane_.record->phase == FleetSlotPhase::kInProgress) return;
  Result<EtcdDeleteResult> del = deps_.etcd.DeleteRange({.key = keys_.Slot(holder)});
  if (!del.ok()) o.warnings.push_back("cannot withdraw its slot key: " + del.status().message());
  if (Status st = SaveRecord(std::nullopt); !st.ok()) o.warnings.push_back(st.message());
}

void FleetCoordinator::Withdraw(std::function<void()> done) {
  asked_ = false;
  last_answer_ = {};
  Run(
      [this, holder = settings_.holder](Outcome& o) {
        WithdrawBlocking(holder, o);
        if (lane_.lease != 0) (void)deps_.etcd.RevokeLease(lane_.lease);
        lane_.lease = 0;
      },
      [done = std::move(done)](const Outcome&) {
        if (done) done();
      });
}

Result<std::vector<FleetWrite>> FleetCoordinator::EndingWrites(const FleetSettings& s,
                                                               const std::string& version,
                                                               Ending ending,
                                                               const std::string& reason) {
  FleetWriter w{
      .holder = s.holder, .version = version, .canary = s.canary, .now = deps_.clock.Now()};
  switch (ending) {
    case Ending::kRolledBack:
      return RollbackWrites(keys_, w, reason);
    case Ending::kAborted:
      return std::vector<FleetWrite>{
          {.op = FleetWrite::Op::kDelete, .key = keys_.Progress(s.holder)},
          {.op = FleetWrite::Op::kDelete, .key = keys_.Slot(s.holder)}};
    case Ending::kCommitted:
      break;
  }
  NV_ASSIGN_OR_RETURN(FleetView view, ReadGroup());
  return CommitWrites(keys_, w, view);
}

void FleetCoordinator::GiveBackBlocking(const FleetSettings& s, const std::string& version,
                                        Ending ending, const std::string& reason, Outcome& o) {
  if (lane_.record) {
    FleetSlotRecord r = *lane_.record;
    r.phase = FleetSlotPhase::kGivingBack;
    r.outcome = ending == Ending::kRolledBack  ? "rolled-back"
                : ending == Ending::kCommitted ? "committed"
                                               : "aborted";
    if (Status st = SaveRecord(r); !st.ok()) o.warnings.push_back(st.message());
  }
  Result<std::vector<FleetWrite>> writes = EndingWrites(s, version, ending, reason);
  Result<bool> wrote = writes.ok() ? Write(*writes, {}) : Result<bool>(writes.status());
  if (!wrote.ok()) {
    o.status = wrote.status();
    return;
  }
  if (Status st = SaveRecord(std::nullopt); !st.ok()) o.warnings.push_back(st.message());
  if (lane_.lease != 0) (void)deps_.etcd.RevokeLease(lane_.lease);
  lane_.lease = 0;
}

void FleetCoordinator::Release(const std::string& version, bool committed,
                               std::function<void(const Status&)> done) {
  FleetSettings s = settings_;
  asked_ = false;
  Ending ending = committed ? Ending::kCommitted : Ending::kAborted;
  Run([this, s, version, ending](Outcome& o) { GiveBackBlocking(s, version, ending, "", o); },
      [done = std::move(done)](const Outcome& o) { done(o.status); });
}

void FleetCoordinator::Halt(const std::string& version, const std::string& reason,
                            std::function<void(const Status&)> done) {
  FleetSettings s = settings_;
  asked_ = false;
  std::string why = reason.empty() ? "rolled back" : reason;
  Run([this, s, version,
       why](Outcome& o) { GiveBackBlocking(s, version, Ending::kRolledBack, why, o); },
      [done = std::move(done)](const Outcome& o) { done(o.status); });
}

}  // namespace nymvisor
