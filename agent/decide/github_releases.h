#ifndef NYMVISOR_AGENT_DECIDE_GITHUB_RELEASES_H_
#define NYMVISOR_AGENT_DECIDE_GITHUB_RELEASES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// One asset of a GitHub release: the fields an updater uses.
struct GithubAsset {
  std::string name;
  bool uploaded = false;  ///< state "uploaded" ("open": an upload in progress)
  uint64_t size = 0;
  std::string digest;  ///< "sha256:<hex>", or empty when GitHub gave none
  std::string download_url;
  bool operator==(const GithubAsset&) const = default;
};

/// One release of the REST API's /repos/{owner}/{repo}/releases list.
struct GithubRelease {
  std::string tag;
  bool draft = false;
  bool prerelease = false;
  std::optional<Timestamp> published_at;  ///< null for drafts
  std::vector<GithubAsset> assets;
  const GithubAsset* Asset(std::string_view name) const;  ///< an uploaded asset, or null
  bool operator==(const GithubRelease&) const = default;
};

/// Parses one page of the releases list; an element that is not a release
/// object is an error naming its index.
Result<std::vector<GithubRelease>> ParseGithubReleases(std::string_view text);

/// The URL of rel="next" in a `link` header, verbatim, or empty.
std::string NextPageUrl(std::string_view link_header);

/// Which release to take: the newest published one (by published_at) whose
/// tag starts with `tag_prefix`, that is neither a draft nor a pre-release and
/// carries an uploaded `binary` asset and an uploaded hashes.json (a release
/// whose assets are still uploading is "not ready", never taken). nullopt
/// when none is; `why_not` then says what was seen.
std::optional<GithubRelease> ChooseGithubRelease(const std::vector<GithubRelease>& releases,
                                                 std::string_view tag_prefix,
                                                 std::string_view binary, std::string* why_not);

/// The upgrade record for `binary` in `release`, from its hashes.json: the
/// version from the entry's build-info `details`, its sha256 (checked against
/// the asset's GitHub digest when there is one), the release's download URL,
/// binaryDetails = details; the publish time is the release's, the upgrade
/// time that plus `delay`. Refused, with the reason, when hashes.json has no
/// entry for the binary or no build-info details in it (the record needs the
/// version), or when its sha256 contradicts GitHub's digest. An entry without
/// sha256 falls back to the digest; with neither the checksum is empty, which
/// the stager refuses while checksums are enforced.
Result<UpgradeInfo> UpgradeFromHashes(const GithubRelease& release, std::string_view hashes_json,
                                      std::string_view binary, std::string_view platform,
                                      Duration delay);

/// What a 403 or 429 from the API means for the next request: when to try
/// again, from x-ratelimit-reset (epoch seconds) when the quota is used up,
/// else retry-after (seconds), else a minute from now.
Timestamp GithubRetryAt(long status, std::string_view remaining, std::string_view reset,
                        std::string_view retry_after, Timestamp now);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_GITHUB_RELEASES_H_
