#include "agent/base/semver.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

int Cmp(const char* a, const char* b) {
  return CompareVersions(*ParseSemanticVersion(a), *ParseSemanticVersion(b));
}

TEST(ParseSemanticVersion, ReadsCorePrereleaseAndIgnoresBuild) {
  SemanticVersion v = *ParseSemanticVersion("v1.2.3-rc.1+build.7");
  EXPECT_EQ(v.major, 1u);
  EXPECT_EQ(v.minor, 2u);
  EXPECT_EQ(v.patch, 3u);
  EXPECT_EQ(v.prerelease, (std::vector<std::string>{"rc", "1"}));
}

TEST(ParseSemanticVersion, RejectsWhatIsNotSemver) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "2024.13-magura.", "1.2.3-",
                          "1.2.3-rc..1", "1.2.3-01", "latest"}) {
    Result<SemanticVersion> v = ParseSemanticVersion(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_NE(v.status().message().find("is not a semantic version"), std::string::npos);
  }
}

TEST(CompareVersions, FollowsSemverPrecedence) {
  EXPECT_LT(Cmp("1.1.11", "1.1.12"), 0);
  EXPECT_LT(Cmp("1.9.0", "1.10.0"), 0);
  EXPECT_GT(Cmp("2.0.0", "1.99.99"), 0);
  EXPECT_EQ(Cmp("1.2.3", "v1.2.3+other"), 0);
  EXPECT_LT(Cmp("1.0.0-alpha", "1.0.0"), 0);
  EXPECT_LT(Cmp("1.0.0-alpha", "1.0.0-alpha.1"), 0);
  EXPECT_LT(Cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0);
  EXPECT_LT(Cmp("1.0.0-beta.2", "1.0.0-beta.11"), 0);
  EXPECT_LT(Cmp("1.0.0-rc.1", "1.0.0"), 0);
}

}  // namespace
}  // namespace nymvisor
