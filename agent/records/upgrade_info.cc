#include "agent/records/upgrade_info.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

Result<ChecksumAlgorithm> ParseAlgorithm(const std::string& name) {
  if (name == "sha256") return ChecksumAlgorithm::kSha256;
  if (name == "sha512") return ChecksumAlgorithm::kSha512;
  return Status::Error("unsupported checksumAlgorithm '" + name + "' (expected sha256 or sha512)");
}

size_t HexDigitsFor(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::kSha256 ? 64 : 128;
}

/// Validates hex (any case) of the right length and returns it lower-cased.
Result<std::string> NormaliseChecksum(const std::string& hex, ChecksumAlgorithm algorithm) {
  std::string out;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return Status::Error("checksum '" + hex + "' is not hexadecimal");
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!out.empty() && out.size() != HexDigitsFor(algorithm)) {
    return Status::Error("checksum has " + std::to_string(out.size()) + " hex digits, " +
                         std::string(ChecksumAlgorithmName(algorithm)) + " needs " +
                         std::to_string(HexDigitsFor(algorithm)));
  }
  return out;
}

Result<DownloadUrl> DownloadUrlFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "platform entry"));
  DownloadUrl d;
  NV_ASSIGN_OR_RETURN(std::string algorithm, GetString(j, "checksumAlgorithm"));
  NV_ASSIGN_OR_RETURN(d.algorithm, ParseAlgorithm(algorithm));
  NV_ASSIGN_OR_RETURN(std::string checksum, GetString(j, "checksum"));
  NV_ASSIGN_OR_RETURN(d.checksum, NormaliseChecksum(checksum, d.algorithm));
  NV_ASSIGN_OR_RETURN(d.url, GetString(j, "url"));
  return d;
}

Result<std::map<std::string, DownloadUrl>> PlatformsFromJson(const Json& j) {
  auto it = j.find("platforms");
  if (it == j.end()) return Status::Error("missing key 'platforms'");
  NV_RETURN_IF_ERROR(RequireObject(*it, "key 'platforms'"));
  std::map<std::string, DownloadUrl> platforms;
  for (const auto& [key, value] : it->items()) {
    Result<DownloadUrl> d = DownloadUrlFromJson(value);
    if (!d.ok()) return d.status().WithContext("platforms." + key);
    platforms.emplace(key, std::move(d).value());
  }
  return platforms;
}

Status FillUpgradeInfo(const Json& j, UpgradeInfo* info) {
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade info"));
  NV_ASSIGN_OR_RETURN(info->manual, GetBool(j, "manual"));
  NV_ASSIGN_OR_RETURN(info->name, GetString(j, "name"));
  NV_ASSIGN_OR_RETURN(info->notes, GetString(j, "notes"));
  NV_ASSIGN_OR_RETURN(info->publish_date, GetOptionalTimestamp(j, "publishDate"));
  NV_ASSIGN_OR_RETURN(info->version, GetString(j, "version"));
  NV_ASSIGN_OR_RETURN(info->platforms, PlatformsFromJson(j));
  NV_ASSIGN_OR_RETURN(info->upgrade_time, GetTimestamp(j, "upgradeTime"));
  if (const Json* details = FindMember(j, "binaryDetails")) {
    Result<BuildInfo> build = BuildInfoFromJson(*details);
    if (!build.ok()) return build.status().WithContext("key 'binaryDetails'");
    info->binary_details = std::move(build).value();
  }
  return {};
}

}  // namespace

Result<UpgradeInfo> UpgradeInfoFromJson(const Json& j) {
  UpgradeInfo info;
  NV_RETURN_IF_ERROR(FillUpgradeInfo(j, &info));
  return info;
}

Result<UpgradeInfo> ParseUpgradeInfo(std::string_view text) {
  return ParseRecord(text, UpgradeInfoFromJson);
}

Json UpgradeInfoToJson(const UpgradeInfo& info) {
  Json platforms = Json::object();
  for (const auto& [key, d] : info.platforms) {
    platforms[key] = {{"checksum", d.checksum},
                      {"checksumAlgorithm", ChecksumAlgorithmName(d.algorithm)},
                      {"url", d.url}};
  }
  Json j = Json::object();
  j["manual"] = info.manual;
  j["name"] = info.name;
  j["notes"] = info.notes;
  j["publishDate"] = info.publish_date ? Json(FormatTimestamp(*info.publish_date)) : Json(nullptr);
  j["version"] = info.version;
  j["platforms"] = platforms;
  j["upgradeTime"] = FormatTimestamp(info.upgrade_time);
  j["binaryDetails"] = info.binary_details ? BuildInfoToJson(*info.binary_details) : Json(nullptr);
  return j;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::kSha256 ? "sha256" : "sha512";
}

Result<DownloadUrl> SelectDownload(const UpgradeInfo& info, std::string_view platform) {
  if (auto it = info.platforms.find(std::string(platform)); it != info.platforms.end()) {
    return it->second;
  }
  if (auto it = info.platforms.find("any"); it != info.platforms.end()) return it->second;
  std::string keys;
  for (const auto& [key, unused] : info.platforms) keys += (keys.empty() ? "" : ", ") + key;
  return Status::Error("upgrade '" + info.name + "' has no download for '" + std::string(platform) +
                       "' or 'any' (platforms: " + (keys.empty() ? "none" : keys) + ")");
}

Status CheckBinaryMatchesRecord(const UpgradeInfo& info, const BuildInfo& actual) {
  if (info.binary_details && *info.binary_details != actual) {
    return Status::Error("binary build information differs from binaryDetails of upgrade '" +
                         info.name + "' (binary reports version " + actual.build_version +
                         ", commit " + actual.commit_sha + ")");
  }
  if (info.version != actual.build_version) {
    return Status::Error("upgrade '" + info.name + "' expects version " + info.version +
                         " but the binary reports " + actual.build_version);
  }
  return {};
}

UpgradeInfo MakeGenesisInfo(const BuildInfo& build) {
  UpgradeInfo info;
  info.manual = true;
  info.name = "genesis";
  info.version = build.build_version;
  info.upgrade_time = Timestamp();
  info.binary_details = build;
  return info;
}

}  // namespace nymvisor
