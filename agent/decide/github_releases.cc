#include "agent/decide/github_releases.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "agent/records/upgrade_name.h"

namespace nymvisor {
namespace {

constexpr std::string_view kHashesAsset = "hashes.json";

std::string StringOr(const Json& j, std::string_view key) {
  const Json* v = FindMember(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

bool BoolOr(const Json& j, std::string_view key) {
  const Json* v = FindMember(j, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

Result<GithubAsset> AssetFromJson(const Json& j) {
  if (!j.is_object()) return Status::Error("an asset is not an object");
  GithubAsset a;
  NV_ASSIGN_OR_RETURN(a.name, GetString(j, "name"));
  a.uploaded = StringOr(j, "state") == "uploaded";
  const Json* size = FindMember(j, "size");
  if (size != nullptr && size->is_number_unsigned()) a.size = size->get<uint64_t>();
  a.digest = StringOr(j, "digest");
  NV_ASSIGN_OR_RETURN(a.download_url, GetString(j, "browser_download_url"));
  return a;
}

Result<GithubRelease> ReleaseFromJson(const Json& j) {
  if (!j.is_object()) return Status::Error("not an object");
  GithubRelease r;
  NV_ASSIGN_OR_RETURN(r.tag, GetString(j, "tag_name"));
  r.draft = BoolOr(j, "draft");
  r.prerelease = BoolOr(j, "prerelease");
  if (std::string published = StringOr(j, "published_at"); !published.empty()) {
    NV_ASSIGN_OR_RETURN(r.published_at, ParseTimestamp(published));
  }
  const Json* assets = FindMember(j, "assets");
  if (assets == nullptr || !assets->is_array()) return Status::Error("no assets array");
  for (const Json& asset : *assets) {
    NV_ASSIGN_OR_RETURN(GithubAsset a, AssetFromJson(asset));
    r.assets.push_back(std::move(a));
  }
  return r;
}

/// The hex of a "sha256:<hex>" digest, or empty.
std::string DigestHex(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  return digest.starts_with(kPrefix) ? std::string(digest.substr(kPrefix.size())) : "";
}

Result<Json> HashesEntry(std::string_view hashes_json, std::string_view binary) {
  NV_ASSIGN_OR_RETURN(Json hashes, ParseJson(hashes_json));
  const Json* assets = hashes.is_object() ? FindMember(hashes, "assets") : nullptr;
  if (assets == nullptr || !assets->is_object()) {
    return Status::Error("hashes.json has no 'assets' object");
  }
  const Json* entry = FindMember(*assets, binary);
  if (entry == nullptr || !entry->is_object()) {
    return Status::Error("hashes.json has no entry for " + std::string(binary));
  }
  return *entry;
}

}  // namespace

const GithubAsset* GithubRelease::Asset(std::string_view name) const {
  for (const GithubAsset& a : assets) {
    if (a.name == name && a.uploaded) return &a;
  }
  return nullptr;
}

Result<std::vector<GithubRelease>> ParseGithubReleases(std::string_view text) {
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  if (!j.is_array()) return Status::Error("the releases list is not a JSON array");
  std::vector<GithubRelease> releases;
  for (size_t i = 0; i < j.size(); ++i) {
    Result<GithubRelease> r = ReleaseFromJson(j[i]);
    if (!r.ok()) return r.status().WithContext("release " + std::to_string(i));
    releases.push_back(std::move(*r));
  }
  return releases;
}

std::string NextPageUrl(std::string_view link) {
  size_t pos = 0;
  while (pos < link.size()) {
    size_t end = link.find(',', pos);
    std::string_view part = link.substr(pos, end == std::string_view::npos ? end : end - pos);
    size_t open = part.find('<');
    size_t close = part.find('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open &&
        part.find("rel=\"next\"", close) != std::string_view::npos) {
      return std::string(part.substr(open + 1, close - open - 1));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return "";
}

std::optional<GithubRelease> ChooseGithubRelease(const std::vector<GithubRelease>& releases,
                                                 std::string_view tag_prefix,
                                                 std::string_view binary, std::string* why_not) {
  const GithubRelease* best = nullptr;
  size_t in_train = 0;
  for (const GithubRelease& r : releases) {
    if (!r.tag.starts_with(tag_prefix) || r.draft || r.prerelease || !r.published_at) continue;
    ++in_train;
    if (r.Asset(binary) == nullptr || r.Asset(kHashesAsset) == nullptr) continue;
    if (best == nullptr || *r.published_at > *best->published_at) best = &r;
  }
  if (best != nullptr) return *best;
  if (why_not != nullptr) {
    *why_not = in_train == 0
                   ? "no published release with a tag starting '" + std::string(tag_prefix) + "'"
                   : std::to_string(in_train) + " release(s) of '" + std::string(tag_prefix) +
                         "' but none carries " + std::string(binary) + " and hashes.json (yet)";
  }
  return std::nullopt;
}

Result<UpgradeInfo> UpgradeFromHashes(const GithubRelease& release, std::string_view hashes_json,
                                      std::string_view binary, std::string_view platform,
                                      Duration delay) {
  auto refuse = [&](const Status& st) { return st.WithContext("release " + release.tag); };
  if (!release.published_at) return refuse(Status::Error("it is not published"));
  Result<Json> entry = HashesEntry(hashes_json, binary);
  if (!entry.ok()) return refuse(entry.status());
  const Json* details = FindMember(*entry, "details");
  if (details == nullptr || !details->is_object()) {
    return refuse(
        Status::Error("hashes.json has no build-info details for " + std::string(binary)));
  }
  Result<BuildInfo> build = BuildInfoFromJson(*details);
  if (!build.ok()) return refuse(build.status().WithContext("hashes.json details"));
  std::string sha256 = StringOr(*entry, "sha256");
  const GithubAsset* asset = release.Asset(binary);
  std::string digest = asset != nullptr ? DigestHex(asset->digest) : "";
  if (!digest.empty() && !sha256.empty() && digest != sha256) {
    return refuse(Status::Error("hashes.json gives sha256 " + sha256 + " for " +
                                std::string(binary) + " but GitHub's digest is " + digest));
  }
  if (Status st = ValidateUpgradeName(release.tag); !st.ok()) return refuse(st);
  UpgradeInfo info;
  info.name = release.tag;
  info.notes = "GitHub release " + release.tag;
  info.publish_date = release.published_at;
  info.version = build->build_version;
  info.upgrade_time = *release.published_at + delay;
  std::string url = StringOr(*entry, "downloadUrl");
  if (url.empty() && asset != nullptr) url = asset->download_url;
  info.platforms[std::string(platform)] =
      DownloadUrl{sha256.empty() ? digest : sha256, ChecksumAlgorithm::kSha256, url};
  info.binary_details = *build;
  return info;
}

Timestamp GithubRetryAt(long status, std::string_view remaining, std::string_view reset,
                        std::string_view retry_after, Timestamp now) {
  auto number = [](std::string_view text) -> std::optional<int64_t> {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  };
  if ((status == 403 || status == 429) && remaining == "0") {
    if (std::optional<int64_t> epoch = number(reset)) {
      Timestamp at{std::chrono::seconds(*epoch)};
      return at > now ? at : now + std::chrono::seconds(1);
    }
  }
  if (std::optional<int64_t> seconds = number(retry_after); seconds && *seconds >= 0) {
    return now + std::chrono::seconds(*seconds);
  }
  return now + std::chrono::minutes(1);
}

}  // namespace nymvisor
