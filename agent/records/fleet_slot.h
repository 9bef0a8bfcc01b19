#ifndef NYMVISOR_AGENT_RECORDS_FLEET_SLOT_H_
#define NYMVISOR_AGENT_RECORDS_FLEET_SLOT_H_

#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// How far this instance got with its fleet slot for one version. Taking
/// and giving back are recorded steps: the record is written before each
/// etcd write that changes the phase, so a restarted agent knows what it
/// may have done and looks for its own keys again.
enum class FleetSlotPhase {
  kAsked,       ///< slots/<holder> is (being) created with `lease`
  kHolding,     ///< ranked among the first max_unavailable: may stop the node
  kInProgress,  ///< progress/<holder> is (being) written; the node may be down
  kGivingBack,  ///< committed or rolled back; the keys are (being) deleted
};

/// DATA/fleet-slot.json: present from the moment the agent asks for a slot
/// until it gave the slot back. Plain value.
struct FleetSlotRecord {
  std::string group{};
  std::string holder{};   ///< FleetHolderId, so a changed id is noticed
  std::string version{};  ///< the version the slot is for
  std::string lease{};    ///< etcd lease id as text; empty before the grant
  FleetSlotPhase phase = FleetSlotPhase::kAsked;
  Timestamp since{};  ///< when it asked
  /// kGivingBack: "committed" or "rolled-back" (a rollback also writes the
  /// halt); empty otherwise.
  std::string outcome{};
  bool operator==(const FleetSlotRecord&) const = default;
};

/// "asked", "holding", "in-progress", "giving-back".
std::string_view FleetSlotPhaseName(FleetSlotPhase phase);

/// `{"group", "holder", "version", "lease", "phase", "since", "outcome"}`;
/// errors name the record and the bad member.
Result<FleetSlotRecord> FleetSlotRecordFromJson(const Json& j);
Result<FleetSlotRecord> ParseFleetSlotRecord(std::string_view text);
Json FleetSlotRecordToJson(const FleetSlotRecord& record);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_FLEET_SLOT_H_
