#include "agent/records/build_info.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "agent/base/json_record.h"
#include "agent/base/version.h"

namespace nymvisor {
namespace {

/// (json key, text label, member) for each field, in the original's order.
struct Field {
  const char* key;
  const char* label;
  std::string BuildInfo::*member;
};

const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = {
      {"binary_name", "Binary Name", &BuildInfo::binary_name},
      {"build_timestamp", "Build Timestamp", &BuildInfo::build_timestamp},
      {"build_version", "Build Version", &BuildInfo::build_version},
      {"commit_sha", "Commit SHA", &BuildInfo::commit_sha},
      {"commit_timestamp", "Commit Date", &BuildInfo::commit_timestamp},
      {"commit_branch", "Commit Branch", &BuildInfo::commit_branch},
      {"rustc_version", "rustc Version", &BuildInfo::rustc_version},
      {"rustc_channel", "rustc Channel", &BuildInfo::rustc_channel},
      {"cargo_profile", "cargo Profile", &BuildInfo::cargo_profile},
      {"cargo_triple", "cargo Triple", &BuildInfo::cargo_triple},
  };
  return fields;
}

}  // namespace

Result<BuildInfo> BuildInfoFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "build information"));
  BuildInfo info;
  for (const Field& f : Fields()) {
    if (std::string_view(f.key) == "cargo_triple" && FindMember(j, f.key) == nullptr) continue;
    Result<std::string> value = GetString(j, f.key);
    if (!value.ok()) return value.status().WithContext("build information");
    info.*f.member = std::move(value).value();
  }
  return info;
}

Result<BuildInfo> ParseBuildInfo(std::string_view text) {
  return ParseRecord(text, BuildInfoFromJson);
}

Json BuildInfoToJson(const BuildInfo& info) {
  Json j = Json::object();
  for (const Field& f : Fields()) j[f.key] = info.*f.member;
  return j;
}

std::string FormatBuildInfoText(const BuildInfo& info) {
  std::string out;
  for (const Field& f : Fields()) {
    std::string label = std::string(f.label) + ":";
    label.resize(std::max<size_t>(label.size(), 20), ' ');
    out += label + info.*f.member + "\n";
  }
  return out;
}

BuildInfo NymvisorBuildInfo() {
  BuildInfo info;
  info.binary_name = "nymvisor";
  info.build_timestamp = kBuildTimestamp;
  info.build_version = kVersion;
  info.commit_sha = kCommitSha;
  info.commit_timestamp = kCommitTimestamp;
  info.commit_branch = kCommitBranch;
  info.rustc_version = kCompilerVersion;  // the key is kept for compatibility
  info.rustc_channel = "stable";
  info.cargo_profile = kBuildProfile;
  info.cargo_triple = kTargetTriple;
  return info;
}

}  // namespace nymvisor
