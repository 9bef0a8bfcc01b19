#ifndef NYMVISOR_AGENT_RECORDS_UPGRADE_INFO_H_
#define NYMVISOR_AGENT_RECORDS_UPGRADE_INFO_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/records/build_info.h"

namespace nymvisor {

enum class ChecksumAlgorithm { kSha256, kSha512 };

/// Where one platform's binary comes from. `checksum` is lower-case hex, or empty
/// for "no checksum" (the original's convention).
struct DownloadUrl {
  std::string checksum;
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kSha256;
  std::string url;
  bool operator==(const DownloadUrl&) const = default;
};

/// One upgrade record: the upstream upgrade-info.json, each upgrades/<name>/
/// upgrade-info.json, the genesis record and every plan entry. Plain value.
struct UpgradeInfo {
  bool manual = false;
  std::string name;
  std::string notes;
  std::optional<Timestamp> publish_date;
  std::string version;
  std::map<std::string, DownloadUrl> platforms;
  Timestamp upgrade_time;
  std::optional<BuildInfo> binary_details;
  bool operator==(const UpgradeInfo&) const = default;
};

/// Reads the camelCase object; errors name the offending key. `publishDate` and
/// `binaryDetails` may be absent or null; unknown keys are ignored.
Result<UpgradeInfo> UpgradeInfoFromJson(const Json& j);
Result<UpgradeInfo> ParseUpgradeInfo(std::string_view text);
Json UpgradeInfoToJson(const UpgradeInfo& info);

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);

/// The download for `platform`, else for "any"; the error lists the keys present.
Result<DownloadUrl> SelectDownload(const UpgradeInfo& info, std::string_view platform);

/// Checks a binary's build information against a record: the version must equal
/// build_version exactly, and binaryDetails, when present, must match all fields.
Status CheckBinaryMatchesRecord(const UpgradeInfo& info, const BuildInfo& actual);

/// The record `init` writes for the genesis binary (manual, epoch upgradeTime).
UpgradeInfo MakeGenesisInfo(const BuildInfo& build);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_UPGRADE_INFO_H_
