#include "agent/decide/fleet_rollout.h"

#include <algorithm>
#include <set>

#include "agent/base/strings.h"

namespace nymvisor {
namespace {

const FleetSlot* FindSlot(const FleetView& view, const std::string& holder) {
  for (const FleetSlot& slot : view.slots) {
    if (slot.holder == holder) return &slot;
  }
  return nullptr;
}

const FleetProgress* FindProgress(const FleetView& view, const std::string& holder,
                                  const std::string& version) {
  for (const FleetProgress& mark : view.progress) {
    if (mark.holder == holder && mark.version == version) return &mark;
  }
  return nullptr;
}

bool HasHaltKey(const FleetView& view, const std::string& version) {
  return std::any_of(view.halts.begin(), view.halts.end(),
                     [&](const FleetHalt& h) { return h.version == version; });
}

bool IsRanked(const FleetView& view, const FleetSelf& self) {
  for (const FleetSlot& slot : RankedSlots(view, self.max_unavailable)) {
    if (slot.holder == self.holder) return true;
  }
  return false;
}

FleetDecision Make(FleetAction action) { return FleetDecision{.action = action}; }

FleetDecision Halted(const FleetView& view, const FleetHalt& halt, bool withdraw) {
  FleetDecision d = Make(FleetAction::kHalted);
  d.halt = halt;
  d.write_halt = !HasHaltKey(view, halt.version);
  d.withdraw = withdraw;
  return d;
}

FleetDecision WaitForSlot(const FleetView& view, const FleetSelf& self) {
  FleetDecision d = Make(FleetAction::kWaitForSlot);
  for (const FleetSlot& slot : RankedSlots(view, self.max_unavailable)) {
    d.holders.push_back(slot.holder);
  }
  return d;
}

/// The holder's own progress mark for the target exists: it was upgrading
/// when it stopped or lost its lease, so it carries on, with its slot if the
/// lease still holds, else under the halt its expiry implies.
FleetDecision Resume(const FleetView& view, const FleetSelf& self, const FleetSlot* mine) {
  if (mine != nullptr && mine->version == self.target_version) {
    FleetDecision d =
        Make(self.lease == mine->lease ? FleetAction::kProceed : FleetAction::kAlreadyHolding);
    d.slot = *mine;
    return d;
  }
  FleetDecision d = Make(FleetAction::kProceed);
  for (const FleetHalt& halt : EffectiveHalts(view)) {
    bool own = halt.holder == self.holder && halt.version == self.target_version;
    if (own && halt.cause == FleetHaltCause::kLeaseExpired) {
      d.halt = halt;
      d.write_halt = !HasHaltKey(view, halt.version);
    }
  }
  return d;
}

/// For a host that is not a canary: nullopt when every registered canary
/// committed the target and the soak after the last one is over.
std::optional<FleetDecision> CanaryGate(const FleetView& view, const FleetSelf& self) {
  std::set<std::string> canaries(view.canaries.begin(), view.canaries.end());
  canaries.erase(self.holder);
  if (canaries.empty()) return std::nullopt;
  std::set<std::string> missing = canaries;
  Timestamp last{};
  for (const FleetDone& done : view.done) {
    if (done.version != self.target_version || !canaries.count(done.holder)) continue;
    missing.erase(done.holder);
    last = std::max(last, done.committed);
  }
  if (!missing.empty()) {
    FleetDecision d = Make(FleetAction::kWaitForCanaries);
    d.missing.assign(missing.begin(), missing.end());
    return d;
  }
  Timestamp until = last + self.soak;
  if (self.now < until) {
    FleetDecision d = Make(FleetAction::kWaitForSoak);
    d.until = until;
    return d;
  }
  return std::nullopt;
}

const char* CauseText(FleetHaltCause cause) {
  switch (cause) {
    case FleetHaltCause::kRollback:
      return "rolled back";
    case FleetHaltCause::kLeaseExpired:
      return "lost its slot mid-upgrade";
    case FleetHaltCause::kOperator:
      return "halted by an operator";
  }
  return "halted";
}

}  // namespace

std::vector<FleetSlot> RankedSlots(const FleetView& view, uint64_t max_unavailable) {
  std::vector<FleetSlot> slots = view.slots;
  std::sort(slots.begin(), slots.end(), [](const FleetSlot& a, const FleetSlot& b) {
    if (a.create_revision != b.create_revision) return a.create_revision < b.create_revision;
    return a.holder < b.holder;
  });
  if (slots.size() > max_unavailable) slots.resize(max_unavailable);
  return slots;
}

std::vector<FleetHalt> EffectiveHalts(const FleetView& view) {
  std::vector<FleetHalt> halts = view.halts;
  for (const FleetProgress& mark : view.progress) {
    if (FindSlot(view, mark.holder) != nullptr) continue;
    bool known = std::any_of(halts.begin(), halts.end(),
                             [&](const FleetHalt& h) { return h.version == mark.version; });
    if (known) continue;
    halts.push_back(
        FleetHalt{.version = mark.version,
                  .cause = FleetHaltCause::kLeaseExpired,
                  .reason = "the slot's lease expired before " + mark.holder + " reported healthy",
                  .holder = mark.holder,
                  .time = mark.since});
  }
  return halts;
}

std::optional<FleetHalt> HaltBlocking(const FleetView& view, const std::string& version) {
  std::optional<FleetHalt> group_wide;
  for (const FleetHalt& halt : EffectiveHalts(view)) {
    if (halt.version == version) return halt;
    if (halt.cause == FleetHaltCause::kLeaseExpired && !group_wide) group_wide = halt;
  }
  return group_wide;
}

FleetDecision DecideFleet(const FleetView& view, const FleetSelf& self) {
  const FleetSlot* mine = FindSlot(view, self.holder);
  if (FindProgress(view, self.holder, self.target_version) != nullptr) {
    return Resume(view, self, mine);
  }
  bool current = mine != nullptr && mine->version == self.target_version;
  if (std::optional<FleetHalt> halt = HaltBlocking(view, self.target_version)) {
    return Halted(view, *halt, mine != nullptr);
  }
  if (current && self.lease != mine->lease) {
    FleetDecision d = Make(FleetAction::kAlreadyHolding);
    d.slot = *mine;
    return d;
  }
  if (current && IsRanked(view, self)) {
    FleetDecision d = Make(FleetAction::kProceed);
    d.slot = *mine;
    d.write_progress = true;
    return d;
  }
  if (!self.canary) {
    if (std::optional<FleetDecision> gate = CanaryGate(view, self)) {
      gate->withdraw = mine != nullptr;
      return *gate;
    }
  }
  if (current) return WaitForSlot(view, self);
  FleetDecision d = Make(FleetAction::kTakeSlot);
  d.withdraw = mine != nullptr;  // a key for another version
  return d;
}

std::string DescribeFleetDecision(const FleetDecision& d) {
  switch (d.action) {
    case FleetAction::kProceed:
      if (!d.slot) return "upgrades under its own fleet halt (it lost its slot mid-upgrade)";
      return "holds a fleet slot since " + FormatTimestamp(d.slot->since);
    case FleetAction::kTakeSlot:
      return "asks for a fleet slot";
    case FleetAction::kWaitForSlot:
      return "waits for a fleet slot (held by " + Join(d.holders, ", ") + ")";
    case FleetAction::kWaitForCanaries:
      return "waits for the canaries " + Join(d.missing, ", ");
    case FleetAction::kWaitForSoak:
      return "waits for the canaries' soak until " + FormatTimestamp(d.until);
    case FleetAction::kHalted:
      return "fleet halted for " + d.halt->version + ": " + d.halt->holder + " " +
             CauseText(d.halt->cause) + " (nymvisor fleet clear-halt resumes)";
    case FleetAction::kAlreadyHolding:
      return "finds its fleet slot from before a restart (lease " + d.slot->lease + ")";
  }
  return "unknown fleet decision";
}

}  // namespace nymvisor
