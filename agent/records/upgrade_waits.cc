#include "agent/records/upgrade_waits.h"

#include <nlohmann/json.hpp>

namespace nymvisor {

Result<UpgradeWaits> ParseUpgradeWaits(std::string_view text) {
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade waits"));
  UpgradeWaits waits;
  const Json* seen = FindMember(j, "firstSeen");
  if (seen == nullptr) return waits;
  NV_RETURN_IF_ERROR(RequireObject(*seen, "firstSeen"));
  for (const auto& [name, value] : seen->items()) {
    NV_ASSIGN_OR_RETURN(Timestamp at, GetTimestamp(*seen, name));
    waits.first_seen[name] = at;
  }
  return waits;
}

Json UpgradeWaitsToJson(const UpgradeWaits& waits) {
  Json seen = Json::object();
  for (const auto& [name, at] : waits.first_seen) seen[name] = FormatTimestamp(at);
  return Json{{"firstSeen", seen}};
}

}  // namespace nymvisor
