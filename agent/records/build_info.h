#ifndef NYMVISOR_AGENT_RECORDS_BUILD_INFO_H_
#define NYMVISOR_AGENT_RECORDS_BUILD_INFO_H_

#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/status.h"

namespace nymvisor {

/// What a Nym binary prints for `--no-banner build-info --output=json`. The keys
/// stay snake_case inside the camelCase nymvisor files. Plain value.
struct BuildInfo {
  std::string binary_name;
  std::string build_timestamp;
  std::string build_version;
  std::string commit_sha;
  std::string commit_timestamp;
  std::string commit_branch;
  std::string rustc_version;
  std::string rustc_channel;
  std::string cargo_profile;
  std::string cargo_triple = "unknown";

  /// Field-by-field over all ten strings, as the original compares them.
  bool operator==(const BuildInfo&) const = default;
};

/// Reads the object form; `cargo_triple` may be absent ("unknown"), all other keys
/// are required strings. Unknown keys are ignored.
Result<BuildInfo> BuildInfoFromJson(const Json& j);
Result<BuildInfo> ParseBuildInfo(std::string_view text);
Json BuildInfoToJson(const BuildInfo& info);

/// The aligned "Binary Name: ..." table of `build-info -o text`.
std::string FormatBuildInfoText(const BuildInfo& info);

/// nymvisor's own build information, filled in at compile time.
BuildInfo NymvisorBuildInfo();

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_BUILD_INFO_H_
