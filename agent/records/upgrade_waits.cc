#include "agent/records/upgrade_waits.h"

#include <nlohmann/json.hpp>

namespace nymvisor {

namespace {

/// Member `key` of `j`, an object of times by upgrade name, into `out`.
Status ReadTimes(const Json& j, const char* key, std::map<std::string, Timestamp>* out) {
  const Json* times = FindMember(j, key);
  if (times == nullptr) return {};
  NV_RETURN_IF_ERROR(RequireObject(*times, key));
  for (const auto& [name, value] : times->items()) {
    Result<Timestamp> at = GetTimestamp(*times, name);
    if (!at.ok()) return at.status().WithContext(key);
    (*out)[name] = *at;
  }
  return {};
}

Json WriteTimes(const std::map<std::string, Timestamp>& times) {
  Json j = Json::object();
  for (const auto& [name, at] : times) j[name] = FormatTimestamp(at);
  return j;
}

}  // namespace

Result<UpgradeWaits> ParseUpgradeWaits(std::string_view text) {
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade waits"));
  UpgradeWaits waits;
  NV_RETURN_IF_ERROR(ReadTimes(j, "firstSeen", &waits.first_seen));
  NV_RETURN_IF_ERROR(ReadTimes(j, "dueSince", &waits.due_since));
  return waits;
}

Json UpgradeWaitsToJson(const UpgradeWaits& waits) {
  Json j = Json{{"firstSeen", WriteTimes(waits.first_seen)}};
  if (!waits.due_since.empty()) j["dueSince"] = WriteTimes(waits.due_since);
  return j;
}

}  // namespace nymvisor
