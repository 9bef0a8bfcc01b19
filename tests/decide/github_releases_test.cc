#include "agent/decide/github_releases.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

/// A release object as GitHub's REST API returns it (the fields that matter,
/// plus some that are ignored).
std::string Release(const std::string& tag, const std::string& published, bool draft = false,
                    bool prerelease = false, const std::string& assets = "") {
  return R"({"id":901,"node_id":"RE_x","tag_name":")" + tag +
         R"(","name":"Nym Binaries","draft":)" + (draft ? "true" : "false") + R"(,"prerelease":)" +
         (prerelease ? "true" : "false") +
         R"(,"created_at":"2026-05-19T08:00:00Z","published_at":)" +
         (published.empty() ? "null" : "\"" + published + "\"") + R"(,"assets":[)" + assets + "]}";
}

std::string Asset(const std::string& tag, const std::string& name,
                  const std::string& state = "uploaded", const std::string& digest = "") {
  return R"({"id":7001,"name":")" + name + R"(","label":"","state":")" + state +
         R"(","content_type":"application/octet-stream","size":61234567,"digest":)" +
         (digest.empty() ? "null" : "\"sha256:" + digest + "\"") +
         R"(,"browser_download_url":"https://github.com/nymtech/nym/releases/download/)" + tag +
         "/" + name + "\"}";
}

std::string BinariesRelease(const std::string& tag, const std::string& published,
                            const std::string& digest = "") {
  return Release(tag, published, false, false,
                 Asset(tag, "nym-node", "uploaded", digest) + "," + Asset(tag, "nym-api") + "," +
                     Asset(tag, "hashes.json"));
}

constexpr char kSha[] = "5f2b0c1d9e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b";

std::string Hashes(const std::string& binary = "nym-node", bool details = true) {
  std::string d =
      details
          ? R"(,"details":{"binary_name":"nym-node","build_timestamp":"2026-05-20T08:41:07.118203554Z","build_version":"1.32.0","commit_sha":"aa11bb22cc33dd44ee55ff6677889900aabbccdd","commit_timestamp":"2026-05-20T10:12:40.000000000+02:00","commit_branch":"HEAD","rustc_version":"1.91.1","rustc_channel":"stable","cargo_profile":"release","cargo_triple":"x86_64-unknown-linux-gnu"})"
          : "";
  return R"({"id":901,"name":"Nym Binaries v2026.10-wensleydale","tag_name":"nym-binaries-v2026.10-wensleydale","componentName":"nym-binaries","componentVersion":"v2026.10","assets":{")" +
         binary + R"(":{"sha256":")" + kSha +
         R"(","downloadUrl":"https://github.com/nymtech/nym/releases/download/nym-binaries-v2026.10-wensleydale/nym-node")" +
         d + R"(},"nym-cli":{"sha256":"00","downloadUrl":"https://github.com/x/nym-cli"}}})";
}

std::vector<GithubRelease> Parse(const std::string& json) {
  Result<std::vector<GithubRelease>> r = ParseGithubReleases(json);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : std::vector<GithubRelease>{};
}

TEST(ChooseGithubRelease, TakesTheNewestReadyReleaseOfTheTrainOnly) {
  std::string list =
      "[" +
      Release("nym-wallet-v1.2.20", "2026-06-01T00:00:00Z", false, false,
              Asset("w", "nym-wallet.AppImage") + "," + Asset("w", "hashes.json")) +
      "," + Release("nym-binaries-v2026.12-x", "2026-05-30T00:00:00Z", true) + "," +
      Release("nym-binaries-v2026.11-y", "2026-05-29T00:00:00Z", false, true,
              Asset("y", "nym-node") + "," + Asset("y", "hashes.json")) +
      "," +
      Release("nym-binaries-v2026.11-z", "2026-05-28T00:00:00Z", false, false,
              Asset("z", "nym-node", "open") + "," + Asset("z", "hashes.json")) +
      "," +
      Release("nym-binaries-v2026.11-h", "2026-05-27T00:00:00Z", false, false,
              Asset("h", "nym-node")) +
      "," + BinariesRelease("nym-binaries-v2026.9-venaco", "2026-05-06T00:00:00Z") + "," +
      BinariesRelease("nym-binaries-v2026.10-wensleydale", "2026-05-20T09:30:00Z") + "]";
  std::vector<GithubRelease> releases = Parse(list);
  ASSERT_EQ(releases.size(), 7u);
  std::string why;
  auto chosen = ChooseGithubRelease(releases, "nym-binaries-v", "nym-node", &why);
  ASSERT_TRUE(chosen.has_value()) << why;
  EXPECT_EQ(chosen->tag, "nym-binaries-v2026.10-wensleydale")
      << "not the wallet, the draft, the pre-release, one still uploading or one without hashes";
  EXPECT_FALSE(ChooseGithubRelease(releases, "nym-binaries-v", "nym-socks5-client", &why));
  EXPECT_EQ(why,
            "4 release(s) of 'nym-binaries-v' but none carries nym-socks5-client and "
            "hashes.json (yet)");
  EXPECT_FALSE(ChooseGithubRelease(releases, "nym-contracts-v", "nym-node", &why));
  EXPECT_EQ(why, "no published release with a tag starting 'nym-contracts-v'");
}

TEST(UpgradeFromHashes, BuildsTheRecordFromHashesJson) {
  GithubRelease r = Parse(
      "[" + BinariesRelease("nym-binaries-v2026.10-wensleydale", "2026-05-20T09:30:00Z") + "]")[0];
  Result<UpgradeInfo> info =
      UpgradeFromHashes(r, Hashes(), "nym-node", "linux-x86_64", std::chrono::hours(2));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->name, "nym-binaries-v2026.10-wensleydale");
  EXPECT_EQ(info->version, "1.32.0");
  EXPECT_EQ(info->publish_date, *ParseTimestamp("2026-05-20T09:30:00Z"));
  EXPECT_EQ(info->upgrade_time, *ParseTimestamp("2026-05-20T11:30:00Z"));
  const DownloadUrl& d = info->platforms.at("linux-x86_64");
  EXPECT_EQ(d.checksum, kSha);
  EXPECT_EQ(d.url,
            "https://github.com/nymtech/nym/releases/download/nym-binaries-v2026.10-wensleydale/"
            "nym-node");
  ASSERT_TRUE(info->binary_details.has_value());
  EXPECT_EQ(info->binary_details->commit_sha, "aa11bb22cc33dd44ee55ff6677889900aabbccdd");
}

TEST(UpgradeFromHashes, RefusesWithANamedReason) {
  GithubRelease r =
      Parse("[" + BinariesRelease("nym-binaries-v2026.10-w", "2026-05-20T09:30:00Z") + "]")[0];
  auto message = [&](const std::string& hashes) {
    return UpgradeFromHashes(r, hashes, "nym-node", "linux-x86_64", {}).status().message();
  };
  EXPECT_EQ(message(Hashes("nym-api")),
            "release nym-binaries-v2026.10-w: hashes.json has no entry for nym-node");
  EXPECT_EQ(message(Hashes("nym-node", false)),
            "release nym-binaries-v2026.10-w: hashes.json has no build-info details for nym-node");
  EXPECT_NE(message("{\"assets\": 3}").find("no 'assets' object"), std::string::npos);
  EXPECT_NE(message("not json").find("release nym-binaries-v2026.10-w"), std::string::npos);
  GithubRelease digested = Parse(
      "[" +
      BinariesRelease("nym-binaries-v2026.10-w", "2026-05-20T09:30:00Z", std::string(64, 'a')) +
      "]")[0];
  Status mismatch = UpgradeFromHashes(digested, Hashes(), "nym-node", "linux-x86_64", {}).status();
  EXPECT_NE(mismatch.message().find("but GitHub's digest is aaaa"), std::string::npos)
      << mismatch.message();
}

TEST(ParseGithubReleases, NamesTheBadElement) {
  EXPECT_EQ(ParseGithubReleases("{}").status().message(), "the releases list is not a JSON array");
  EXPECT_EQ(ParseGithubReleases("[" + Release("a", "") + ", 3]").status().message(),
            "release 1: not an object");
  auto drafts = ParseGithubReleases("[" + Release("a", "", true) + "]");
  ASSERT_TRUE(drafts.ok());
  EXPECT_FALSE((*drafts)[0].published_at.has_value()) << "a draft's published_at is null";
}

TEST(NextPageUrl, FollowsRelNextVerbatim) {
  EXPECT_EQ(
      NextPageUrl("<https://api.github.com/repositories/123456789/releases?per_page=100&page=2>; "
                  "rel=\"next\", <https://api.github.com/repositories/123456789/releases?"
                  "per_page=100&page=3>; rel=\"last\""),
      "https://api.github.com/repositories/123456789/releases?per_page=100&page=2");
  EXPECT_EQ(NextPageUrl("<https://x/releases?page=1>; rel=\"prev\""), "");
  EXPECT_EQ(NextPageUrl(""), "");
}

TEST(GithubRetryAt, WaitsForTheResetOrRetryAfter) {
  Timestamp now = *ParseTimestamp("2026-05-20T10:00:00Z");
  EXPECT_EQ(GithubRetryAt(403, "0", "1779275400", "", now),
            Timestamp(std::chrono::seconds(1779275400)));
  EXPECT_EQ(GithubRetryAt(429, "12", "1779275400", "30", now), now + std::chrono::seconds(30));
  EXPECT_EQ(GithubRetryAt(403, "", "", "", now), now + std::chrono::minutes(1));
  EXPECT_EQ(GithubRetryAt(403, "0", "1", "", now), now + std::chrono::seconds(1))
      << "a reset in the past: soon, not at once";
}

}  // namespace
}  // namespace nymvisor
