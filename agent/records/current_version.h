#ifndef NYMVISOR_AGENT_RECORDS_CURRENT_VERSION_H_
#define NYMVISOR_AGENT_RECORDS_CURRENT_VERSION_H_

#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/timestamp.h"
#include "agent/records/build_info.h"

namespace nymvisor {

/// <DAEMON_HOME>/nymvisor/current-version.json: which upgrade the `current`
/// symlink points at and when it was switched. All keys are required.
struct CurrentVersion {
  std::string name;
  std::string version;
  Timestamp upgrade_time;
  BuildInfo binary_details;
  bool operator==(const CurrentVersion&) const = default;
};

Result<CurrentVersion> CurrentVersionFromJson(const Json& j);
Result<CurrentVersion> ParseCurrentVersion(std::string_view text);
Json CurrentVersionToJson(const CurrentVersion& current);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_CURRENT_VERSION_H_
