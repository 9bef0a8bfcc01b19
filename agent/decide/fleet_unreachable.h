#ifndef NYMVISOR_AGENT_DECIDE_FLEET_UNREACHABLE_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_UNREACHABLE_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/records/fleet_slot.h"

namespace nymvisor {

/// nymvisor.fleet_on_unreachable.
enum class FleetUnreachableMode {
  kWait,     ///< no new upgrade starts while etcd cannot be reached
  kProceed,  ///< upgrade without the group's consent (the guarantee is lost)
};

/// "wait" or "proceed" (the config's check already refused anything else).
Result<FleetUnreachableMode> ParseFleetUnreachableMode(std::string_view text);

/// What the agent does for the target while etcd does not answer.
enum class FleetOfflineAction {
  kCarryOn,       ///< an upgrade already under way goes on (its node may be down)
  kWaitForEtcd,   ///< try again later; the node keeps running
  kProceedAlone,  ///< upgrade as if there were no fleet (proceed mode only)
};

/// The decision and its reason for status and the journal. Plain value.
struct FleetOfflineDecision {
  FleetOfflineAction action = FleetOfflineAction::kWaitForEtcd;
  std::string why{};
  bool operator==(const FleetOfflineDecision&) const = default;
};

/// What the agent knew before etcd went away: its slot record for the
/// target version (nullptr: none, or for another version) and whether its
/// last successful read showed the target halted.
struct FleetOfflineFacts {
  const FleetSlotRecord* record = nullptr;
  bool halted_when_last_seen = false;
};

/// The rule (docs/fleet.md, "When etcd cannot be reached"): an upgrade
/// whose progress mark was written carries on in both modes (its node is
/// or may be down; giving the slot back waits for etcd). In wait mode
/// nothing else starts, not even with a slot granted but no mark yet: the
/// mark and the halt re-check must come first, so two nodes of a reachable
/// group are never down at once. In proceed mode a granted slot goes on,
/// and a host without one upgrades alone unless the version was halted
/// when last seen.
FleetOfflineDecision DecideFleetUnreachable(FleetUnreachableMode mode,
                                            const FleetOfflineFacts& facts);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_UNREACHABLE_H_
