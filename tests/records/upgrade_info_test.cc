#include "agent/records/upgrade_info.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/values.h"

namespace nymvisor {
namespace {

using testing::NodeBuildInfo;

constexpr char kUpstream[] = R"({
  "manual": false,
  "name": "2024.13-magura",
  "notes": "see the release notes",
  "publishDate": "2024-11-18T12:00:00Z",
  "version": "1.1.12",
  "platforms": {
    "linux-x86_64": {
      "checksum": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
      "checksumAlgorithm": "sha256",
      "url": "https://example.invalid/nym-node"
    }
  },
  "upgradeTime": "2024-11-19T09:00:00Z",
  "binaryDetails": null
})";

Json Upstream() { return *ParseJson(kUpstream); }

TEST(ParseUpgradeInfo, ReadsTheUpstreamShape) {
  Result<UpgradeInfo> info = ParseUpgradeInfo(kUpstream);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_FALSE(info->manual);
  EXPECT_EQ(info->name, "2024.13-magura");
  EXPECT_EQ(info->version, "1.1.12");
  EXPECT_EQ(FormatTimestamp(info->upgrade_time), "2024-11-19T09:00:00Z");
  ASSERT_EQ(info->platforms.size(), 1u);
  const DownloadUrl& d = info->platforms.at("linux-x86_64");
  EXPECT_EQ(d.algorithm, ChecksumAlgorithm::kSha256);
  EXPECT_EQ(d.checksum, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_FALSE(info->binary_details.has_value());
}

TEST(ParseUpgradeInfo, PublishDateMayBeNullOrAbsent) {
  Json j = Upstream();
  j["publishDate"] = nullptr;
  EXPECT_FALSE(UpgradeInfoFromJson(j)->publish_date.has_value());
  j.erase("publishDate");
  EXPECT_FALSE(UpgradeInfoFromJson(j)->publish_date.has_value());
}

TEST(ParseUpgradeInfo, RequiredKeysAreNamedWhenMissing) {
  for (const char* key : {"manual", "name", "notes", "version", "platforms", "upgradeTime"}) {
    Json j = Upstream();
    j.erase(key);
    Result<UpgradeInfo> info = UpgradeInfoFromJson(j);
    ASSERT_FALSE(info.ok()) << key;
    EXPECT_NE(info.status().message().find(key), std::string::npos) << info.status().message();
  }
}

TEST(ParseUpgradeInfo, EmptyChecksumMeansNone) {
  Json j = Upstream();
  j["platforms"]["linux-x86_64"]["checksum"] = "";
  EXPECT_EQ(UpgradeInfoFromJson(j)->platforms.at("linux-x86_64").checksum, "");
}

TEST(ParseUpgradeInfo, RejectsBadChecksumsAndAlgorithms) {
  Json j = Upstream();
  j["platforms"]["linux-x86_64"]["checksumAlgorithm"] = "md5";
  EXPECT_NE(UpgradeInfoFromJson(j).status().message().find("md5"), std::string::npos);
  j = Upstream();
  j["platforms"]["linux-x86_64"]["checksumAlgorithm"] = "SHA256";
  EXPECT_FALSE(UpgradeInfoFromJson(j).ok());
  j = Upstream();
  j["platforms"]["linux-x86_64"]["checksum"] = "xyz";
  EXPECT_NE(UpgradeInfoFromJson(j).status().message().find("platforms.linux-x86_64"),
            std::string::npos);
  j = Upstream();
  j["platforms"]["linux-x86_64"]["checksum"] = "abcd";
  EXPECT_NE(UpgradeInfoFromJson(j).status().message().find("needs 64"), std::string::npos);
}

TEST(ParseUpgradeInfo, AcceptsSha512AndIgnoresUnknownKeys) {
  Json j = Upstream();
  j["platforms"]["any"] = {{"checksum", std::string(128, 'a')},
                           {"checksumAlgorithm", "sha512"},
                           {"url", "https://example.invalid/any"}};
  j["someFutureKey"] = 1;
  Result<UpgradeInfo> info = UpgradeInfoFromJson(j);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->platforms.at("any").algorithm, ChecksumAlgorithm::kSha512);
}

TEST(ParseUpgradeInfo, RejectsBadTimesAndTypes) {
  Json j = Upstream();
  j["upgradeTime"] = "soon";
  EXPECT_NE(UpgradeInfoFromJson(j).status().message().find("upgradeTime"), std::string::npos);
  j = Upstream();
  j["manual"] = "no";
  EXPECT_FALSE(UpgradeInfoFromJson(j).ok());
  EXPECT_FALSE(ParseUpgradeInfo("{").ok());
  EXPECT_FALSE(ParseUpgradeInfo("[1,2]").ok());
}

TEST(UpgradeInfo, RoundTripsThroughJson) {
  UpgradeInfo info = *ParseUpgradeInfo(kUpstream);
  info.binary_details = NodeBuildInfo("1.1.12");
  EXPECT_EQ(*UpgradeInfoFromJson(UpgradeInfoToJson(info)), info);
}

TEST(UpgradeInfo, WritesCamelCaseKeysInTheOriginalOrder) {
  std::string text = DumpJsonCompact(UpgradeInfoToJson(*ParseUpgradeInfo(kUpstream)));
  EXPECT_EQ(text.find("\"manual\""), 1u);
  EXPECT_LT(text.find("\"publishDate\""), text.find("\"upgradeTime\""));
  EXPECT_NE(text.find("\"checksumAlgorithm\":\"sha256\""), std::string::npos);
  EXPECT_NE(text.find("\"binaryDetails\":null"), std::string::npos);
}

TEST(SelectDownload, PrefersThePlatformThenAny) {
  UpgradeInfo info = *ParseUpgradeInfo(kUpstream);
  EXPECT_EQ(SelectDownload(info, "linux-x86_64")->url, "https://example.invalid/nym-node");
  Result<DownloadUrl> missing = SelectDownload(info, "linux-aarch64");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("platforms: linux-x86_64"), std::string::npos);
  info.platforms["any"] =
      DownloadUrl{"", ChecksumAlgorithm::kSha256, "https://example.invalid/any"};
  EXPECT_EQ(SelectDownload(info, "linux-aarch64")->url, "https://example.invalid/any");
}

TEST(CheckBinaryMatchesRecord, ComparesVersionExactly) {
  UpgradeInfo info = *ParseUpgradeInfo(kUpstream);
  EXPECT_TRUE(CheckBinaryMatchesRecord(info, NodeBuildInfo("1.1.12")).ok());
  Status st = CheckBinaryMatchesRecord(info, NodeBuildInfo("v1.1.12"));
  EXPECT_NE(st.message().find("expects version 1.1.12 but the binary reports v1.1.12"),
            std::string::npos);
}

TEST(CheckBinaryMatchesRecord, ComparesBinaryDetailsWhenPresent) {
  UpgradeInfo info = *ParseUpgradeInfo(kUpstream);
  info.binary_details = NodeBuildInfo("1.1.12");
  BuildInfo other = NodeBuildInfo("1.1.12");
  other.commit_sha = "different";
  EXPECT_FALSE(CheckBinaryMatchesRecord(info, other).ok());
  EXPECT_TRUE(CheckBinaryMatchesRecord(info, NodeBuildInfo("1.1.12")).ok());
}

TEST(MakeGenesisInfo, MatchesTheOriginalGenesisRecord) {
  UpgradeInfo g = MakeGenesisInfo(NodeBuildInfo("1.1.11"));
  Json j = UpgradeInfoToJson(g);
  EXPECT_EQ(j["manual"], true);
  EXPECT_EQ(j["name"], "genesis");
  EXPECT_EQ(j["notes"], "");
  EXPECT_TRUE(j["publishDate"].is_null());
  EXPECT_EQ(j["version"], "1.1.11");
  EXPECT_TRUE(j["platforms"].empty());
  EXPECT_EQ(j["upgradeTime"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(j["binaryDetails"]["build_version"], "1.1.11");
}

}  // namespace
}  // namespace nymvisor
