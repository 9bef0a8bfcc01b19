#ifndef NYMVISOR_AGENT_DECIDE_FLEET_STATUS_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_STATUS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/status.h"
#include "agent/decide/fleet_rollout.h"

namespace nymvisor {

/// What `nymvisor status`, STATUS=, the control API and the metrics show of
/// this instance's fleet rollout (docs/fleet.md). Plain value; set in the
/// status snapshot only when nymvisor.fleet_endpoints is.
struct FleetStatus {
  std::string group{};
  std::string holder{};  ///< "<instance>@<machine id>"
  std::string phase{};   ///< fleet-slot.json's phase ("asked", "holding", ...), or ""
  /// "slot", "canaries", "soak", "fleet-halt" or "fleet-unreachable" while
  /// the upgrade waits in taking-slot; "" otherwise.
  std::string waiting_for{};
  std::string detail{};             ///< the last decision, for people
  std::optional<FleetHalt> halt{};  ///< the halt blocking the version it wants
  bool canary = false;
  uint64_t max_unavailable = 1;
  bool operator==(const FleetStatus&) const = default;
};

/// Every value FleetStatus::waiting_for takes besides "", in the order the
/// metrics list them.
inline constexpr std::array<std::string_view, 5> kFleetWaitReasons = {
    "slot", "canaries", "soak", "fleet-halt", "fleet-unreachable"};

/// Whether it holds a slot: a phase past "asked".
bool FleetSlotHeld(const FleetStatus& fleet);

/// `{"group","holder","canary","maxUnavailable","phase","waitingFor",
/// "detail","halt":{"version","cause","reason","holder","time"}|null}`;
/// empty texts are null.
Json FleetStatusToJson(const FleetStatus& fleet);
/// Reads what FleetStatusToJson wrote; errors name the bad member.
Result<FleetStatus> FleetStatusFromJson(const Json& j);

/// "waits for a fleet slot (held by ...)" and the like, for the status
/// line while it waits; "" when it does not.
std::string FleetStatusText(const FleetStatus& fleet);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_STATUS_H_
