#include "agent/records/fleet_slot.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

constexpr FleetSlotPhase kPhases[] = {FleetSlotPhase::kAsked, FleetSlotPhase::kHolding,
                                      FleetSlotPhase::kInProgress, FleetSlotPhase::kGivingBack};

Result<FleetSlotPhase> PhaseFromName(const std::string& name) {
  for (FleetSlotPhase phase : kPhases) {
    if (FleetSlotPhaseName(phase) == name) return phase;
  }
  return Status::Error("phase '" + name + "' is none of asked, holding, in-progress, giving-back");
}

Result<FleetSlotRecord> ReadFleetSlot(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "fleet slot"));
  FleetSlotRecord record;
  NV_ASSIGN_OR_RETURN(record.group, GetString(j, "group"));
  NV_ASSIGN_OR_RETURN(record.holder, GetString(j, "holder"));
  NV_ASSIGN_OR_RETURN(record.version, GetString(j, "version"));
  NV_ASSIGN_OR_RETURN(record.lease, GetString(j, "lease"));
  NV_ASSIGN_OR_RETURN(std::string phase, GetString(j, "phase"));
  NV_ASSIGN_OR_RETURN(record.phase, PhaseFromName(phase));
  NV_ASSIGN_OR_RETURN(record.since, GetTimestamp(j, "since"));
  if (FindMember(j, "outcome") != nullptr) {
    NV_ASSIGN_OR_RETURN(record.outcome, GetString(j, "outcome"));
  }
  if (record.group.empty() || record.holder.empty() || record.version.empty()) {
    return Status::Error("group, holder and version must not be empty");
  }
  return record;
}

}  // namespace

std::string_view FleetSlotPhaseName(FleetSlotPhase phase) {
  switch (phase) {
    case FleetSlotPhase::kAsked:
      return "asked";
    case FleetSlotPhase::kHolding:
      return "holding";
    case FleetSlotPhase::kInProgress:
      return "in-progress";
    case FleetSlotPhase::kGivingBack:
      return "giving-back";
  }
  return "asked";
}

Result<FleetSlotRecord> FleetSlotRecordFromJson(const Json& j) {
  Result<FleetSlotRecord> record = ReadFleetSlot(j);
  if (!record.ok()) return record.status().WithContext("fleet slot");
  return record;
}

Result<FleetSlotRecord> ParseFleetSlotRecord(std::string_view text) {
  return ParseRecord(text, FleetSlotRecordFromJson);
}

Json FleetSlotRecordToJson(const FleetSlotRecord& record) {
  Json j{{"group", record.group},
         {"holder", record.holder},
         {"version", record.version},
         {"lease", record.lease},
         {"phase", std::string(FleetSlotPhaseName(record.phase))},
         {"since", FormatTimestamp(record.since)}};
  if (!record.outcome.empty()) j["outcome"] = record.outcome;
  return j;
}

}  // namespace nymvisor
