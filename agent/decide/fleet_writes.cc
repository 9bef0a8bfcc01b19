#include "agent/decide/fleet_writes.h"

#include <algorithm>

#include "agent/decide/fleet_view.h"

namespace nymvisor {
namespace {

using Op = FleetWrite::Op;

FleetWrite Delete(std::string key) { return FleetWrite{.op = Op::kDelete, .key = std::move(key)}; }

/// The slot and the progress mark, together.
void ReleaseSlot(const FleetKeys& keys, const FleetWriter& w, std::vector<FleetWrite>* out) {
  out->push_back(Delete(keys.Progress(w.holder)));
  out->push_back(Delete(keys.Slot(w.holder)));
}

bool HoldsSlot(const FleetView& view, const std::string& holder) {
  return std::any_of(view.slots.begin(), view.slots.end(),
                     [&](const FleetSlot& s) { return s.holder == holder; });
}

}  // namespace

std::vector<FleetWrite> TakeSlotWrites(const FleetKeys& keys, const FleetWriter& w) {
  return {FleetWrite{.op = Op::kPutWithLease,
                     .key = keys.Slot(w.holder),
                     .value = FleetSlotValue(w.version, w.now, w.canary)}};
}

std::vector<FleetWrite> ProgressWrites(const FleetKeys& keys, const FleetWriter& w) {
  return {FleetWrite{.op = Op::kPut,
                     .key = keys.Progress(w.holder),
                     .value = FleetProgressValue(w.version, w.now)}};
}

std::vector<FleetWrite> CommitWrites(const FleetKeys& keys, const FleetWriter& w,
                                     const FleetView& view) {
  std::vector<FleetWrite> out = {FleetWrite{.op = Op::kPut,
                                            .key = keys.Done(w.version, w.holder),
                                            .value = FleetDoneValue(w.canary, w.now)}};
  ReleaseSlot(keys, w, &out);
  for (const FleetHalt& halt : view.halts) {
    if (halt.version == w.version && halt.holder == w.holder &&
        halt.cause == FleetHaltCause::kLeaseExpired) {
      out.push_back(Delete(keys.Halt(w.version)));
    }
  }
  return out;
}

std::vector<FleetWrite> RollbackWrites(const FleetKeys& keys, const FleetWriter& w,
                                       const std::string& reason) {
  FleetHalt halt{.version = w.version,
                 .cause = FleetHaltCause::kRollback,
                 .reason = reason,
                 .holder = w.holder,
                 .time = w.now};
  std::vector<FleetWrite> out = {
      FleetWrite{.op = Op::kPut, .key = keys.Halt(w.version), .value = FleetHaltValue(halt)}};
  ReleaseSlot(keys, w, &out);
  return out;
}

std::vector<FleetWrite> ImpliedHaltWrites(const FleetKeys& keys, const FleetHalt& halt) {
  return {
      FleetWrite{.op = Op::kPut, .key = keys.Halt(halt.version), .value = FleetHaltValue(halt)}};
}

std::vector<FleetWrite> ClearHaltWrites(const FleetKeys& keys, const FleetView& view,
                                        const std::string& version) {
  std::vector<FleetWrite> out = {Delete(keys.Halt(version))};
  for (const FleetProgress& mark : view.progress) {
    if (mark.version == version && !HoldsSlot(view, mark.holder)) {
      out.push_back(Delete(keys.Progress(mark.holder)));
    }
  }
  return out;
}

std::vector<FleetWrite> CanaryRegistrationWrites(const FleetKeys& keys, const FleetView& view,
                                                 const FleetWriter& w) {
  bool registered =
      std::find(view.canaries.begin(), view.canaries.end(), w.holder) != view.canaries.end();
  if (w.canary && !registered) {
    return {
        FleetWrite{.op = Op::kPut, .key = keys.Canary(w.holder), .value = FleetCanaryValue(w.now)}};
  }
  if (!w.canary && registered) return {Delete(keys.Canary(w.holder))};
  return {};
}

}  // namespace nymvisor
