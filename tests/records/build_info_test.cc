#include "agent/records/build_info.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

constexpr char kOriginalOutput[] =
    R"({"binary_name":"nym-node","build_timestamp":"2025-02-13T11:49:34.670488195Z",)"
    R"("build_version":"1.5.0","commit_sha":"a3e19b4563843055b305ea9a397eb1ad84b5c378",)"
    R"("commit_timestamp":"2025-02-10T18:14:47.000000000+01:00","commit_branch":"HEAD",)"
    R"("rustc_version":"1.84.1","rustc_channel":"stable","cargo_profile":"release",)"
    R"("cargo_triple":"x86_64-unknown-linux-gnu"})";

TEST(ParseBuildInfo, ReadsTheOriginalOutput) {
  Result<BuildInfo> info = ParseBuildInfo(kOriginalOutput);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->binary_name, "nym-node");
  EXPECT_EQ(info->build_version, "1.5.0");
  EXPECT_EQ(info->cargo_triple, "x86_64-unknown-linux-gnu");
}

TEST(ParseBuildInfo, CargoTripleDefaultsToUnknown) {
  Json j = *ParseJson(kOriginalOutput);
  j.erase("cargo_triple");
  Result<BuildInfo> info = BuildInfoFromJson(j);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->cargo_triple, "unknown");
}

TEST(ParseBuildInfo, EveryOtherFieldIsRequired) {
  for (const char* key :
       {"binary_name", "build_timestamp", "build_version", "commit_sha", "commit_timestamp",
        "commit_branch", "rustc_version", "rustc_channel", "cargo_profile"}) {
    Json j = *ParseJson(kOriginalOutput);
    j.erase(key);
    Result<BuildInfo> info = BuildInfoFromJson(j);
    ASSERT_FALSE(info.ok()) << key;
    EXPECT_NE(info.status().message().find(key), std::string::npos);
  }
}

TEST(ParseBuildInfo, RejectsNonJsonAndWrongTypes) {
  EXPECT_NE(ParseBuildInfo("nym-node 1.5.0").status().message().find("invalid JSON"),
            std::string::npos);
  Json j = *ParseJson(kOriginalOutput);
  j["build_version"] = 15;
  EXPECT_FALSE(BuildInfoFromJson(j).ok());
  EXPECT_FALSE(ParseBuildInfo("[]").ok());
}

TEST(BuildInfo, RoundTripsAndComparesAllFields) {
  BuildInfo a = *ParseBuildInfo(kOriginalOutput);
  EXPECT_EQ(*BuildInfoFromJson(BuildInfoToJson(a)), a);
  BuildInfo b = a;
  b.commit_branch = "develop";
  EXPECT_NE(a, b);
}

TEST(FormatBuildInfoText, ListsEveryField) {
  std::string text = FormatBuildInfoText(*ParseBuildInfo(kOriginalOutput));
  EXPECT_NE(text.find("Binary Name:        nym-node\n"), std::string::npos);
  EXPECT_NE(text.find("Build Version:      1.5.0\n"), std::string::npos);
  EXPECT_NE(text.find("cargo Triple:"), std::string::npos);
}

TEST(NymvisorBuildInfo, NamesItselfAndHasAVersion) {
  BuildInfo self = NymvisorBuildInfo();
  EXPECT_EQ(self.binary_name, "nymvisor");
  EXPECT_FALSE(self.build_version.empty());
  EXPECT_FALSE(self.cargo_triple.empty());
}

}  // namespace
}  // namespace nymvisor
