#include "agent/decide/fleet_unreachable.h"

namespace nymvisor {

Result<FleetUnreachableMode> ParseFleetUnreachableMode(std::string_view text) {
  if (text == "wait") return FleetUnreachableMode::kWait;
  if (text == "proceed") return FleetUnreachableMode::kProceed;
  return Status::Error("fleet_on_unreachable '" + std::string(text) +
                       "' is neither wait nor proceed");
}

FleetOfflineDecision DecideFleetUnreachable(FleetUnreachableMode mode,
                                            const FleetOfflineFacts& facts) {
  const FleetSlotRecord* record = facts.record;
  if (record != nullptr && (record->phase == FleetSlotPhase::kInProgress ||
                            record->phase == FleetSlotPhase::kGivingBack)) {
    return {FleetOfflineAction::kCarryOn,
            "etcd cannot be reached; the upgrade under way goes on and its slot is given "
            "back when etcd answers"};
  }
  if (mode == FleetUnreachableMode::kWait) {
    return {FleetOfflineAction::kWaitForEtcd,
            "waits for etcd (fleet_on_unreachable = wait): no upgrade starts without the "
            "group"};
  }
  if (facts.halted_when_last_seen) {
    return {FleetOfflineAction::kWaitForEtcd,
            "waits for etcd: the version was halted when the group was last read"};
  }
  if (record != nullptr && record->phase == FleetSlotPhase::kHolding) {
    return {FleetOfflineAction::kCarryOn,
            "etcd cannot be reached; goes on with the slot it was granted "
            "(fleet_on_unreachable = proceed)"};
  }
  return {FleetOfflineAction::kProceedAlone,
          "etcd cannot be reached; upgrades without the group (fleet_on_unreachable = "
          "proceed): other hosts may be down at the same time"};
}

}  // namespace nymvisor
