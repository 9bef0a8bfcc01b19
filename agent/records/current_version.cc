#include "agent/records/current_version.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {

namespace {

Result<CurrentVersion> ReadCurrentVersion(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "current version"));
  CurrentVersion current;
  NV_ASSIGN_OR_RETURN(current.name, GetString(j, "name"));
  NV_ASSIGN_OR_RETURN(current.version, GetString(j, "version"));
  NV_ASSIGN_OR_RETURN(current.upgrade_time, GetTimestamp(j, "upgradeTime"));
  auto details = j.find("binaryDetails");
  if (details == j.end()) return Status::Error("missing key 'binaryDetails'");
  Result<BuildInfo> build = BuildInfoFromJson(*details);
  if (!build.ok()) return build.status().WithContext("key 'binaryDetails'");
  current.binary_details = std::move(build).value();
  return current;
}

}  // namespace

Result<CurrentVersion> CurrentVersionFromJson(const Json& j) {
  Result<CurrentVersion> current = ReadCurrentVersion(j);
  if (!current.ok()) return current.status().WithContext("current version");
  return current;
}

Result<CurrentVersion> ParseCurrentVersion(std::string_view text) {
  return ParseRecord(text, CurrentVersionFromJson);
}

Json CurrentVersionToJson(const CurrentVersion& current) {
  return Json{{"name", current.name},
              {"version", current.version},
              {"upgradeTime", FormatTimestamp(current.upgrade_time)},
              {"binaryDetails", BuildInfoToJson(current.binary_details)}};
}

}  // namespace nymvisor
