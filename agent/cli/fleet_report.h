#ifndef NYMVISOR_AGENT_CLI_FLEET_REPORT_H_
#define NYMVISOR_AGENT_CLI_FLEET_REPORT_H_

#include <cstdint>
#include <string>

#include "agent/base/json_util.h"
#include "agent/base/timestamp.h"
#include "agent/decide/fleet_rollout.h"

namespace nymvisor {

// What `nymvisor fleet status` shows of one read of a group: values in,
// text or JSON out (docs/fleet.md, "Running, watching, halting, resuming",
// documents the JSON). Pure.

/// One read of a group, with what this host knows about it.
struct FleetReport {
  std::string instance_id{};  ///< this instance (for the commands shown)
  std::string group{};
  std::string holder{};          ///< this host's holder id; "" when unknown
  uint64_t max_unavailable = 1;  ///< this host's fleet_max_unavailable
  FleetView view{};
};

/// "<instance>@<machine id>" split at its last '@' (a holder without one
/// is all instance).
struct HolderParts {
  std::string instance{};
  std::string machine_id{};
};
HolderParts SplitHolder(const std::string& holder);

/// The command that clears the halt of `version` for `instance_id`.
std::string ClearHaltCommand(const std::string& instance_id, const std::string& version);

/// One sentence for a halt: "1.2.0 rolled back by a@m at ...: reason".
std::string DescribeHalt(const FleetHalt& halt);

/// The text `fleet status` prints: the group and this host, the slots
/// ranked (holding or queued), the progress marks (an orphan marked), the
/// hosts done per version (newest first), the canaries and every halt with
/// the command that clears it.
std::string RenderFleetStatus(const FleetReport& report, Timestamp now);

/// The same as one JSON object (stable member names, camelCase).
Json FleetStatusToJson(const FleetReport& report);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_FLEET_REPORT_H_
