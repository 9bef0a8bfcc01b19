#include "agent/records/hold.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

Result<HoldRecord> ReadHold(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "hold"));
  HoldRecord hold;
  NV_ASSIGN_OR_RETURN(hold.since, GetTimestamp(j, "since"));
  NV_ASSIGN_OR_RETURN(hold.reason, GetString(j, "reason"));
  NV_ASSIGN_OR_RETURN(hold.by, GetString(j, "by"));
  return hold;
}

}  // namespace

Result<HoldRecord> HoldRecordFromJson(const Json& j) {
  Result<HoldRecord> hold = ReadHold(j);
  if (!hold.ok()) return hold.status().WithContext("hold");
  return hold;
}

Result<HoldRecord> ParseHoldRecord(std::string_view text) {
  return ParseRecord(text, HoldRecordFromJson);
}

Json HoldRecordToJson(const HoldRecord& hold) {
  return Json{{"since", FormatTimestamp(hold.since)}, {"reason", hold.reason}, {"by", hold.by}};
}

}  // namespace nymvisor
