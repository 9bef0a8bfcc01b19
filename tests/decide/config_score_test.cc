#include "agent/decide/config_score.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

SemanticVersion V(const char* text) { return *ParseSemanticVersion(text); }

TEST(VersionsBehind, WeighsMajorMinorAndPatchAsNymApiDoes) {
  EXPECT_EQ(VersionsBehind(V("1.2.3"), V("1.2.3")), 0u);
  EXPECT_EQ(VersionsBehind(V("1.2.3"), V("1.2.5")), 2u);
  EXPECT_EQ(VersionsBehind(V("1.2.9"), V("1.4.0")), 20u) << "minors count, not patches";
  EXPECT_EQ(VersionsBehind(V("1.9.9"), V("2.0.0")), 100u);
  EXPECT_EQ(VersionsBehind(V("1.3.0-rc.1"), V("1.3.0")), 1u);
}

TEST(VersionsBehind, AheadIsNotBehind) {
  EXPECT_EQ(VersionsBehind(V("1.3.0"), V("1.2.9")), 0u);
  EXPECT_EQ(VersionsBehind(V("2.0.0"), V("1.9.0")), 0u);
}

TEST(ConfigScore, MatchesTheIssuesArithmetic) {
  EXPECT_DOUBLE_EQ(ConfigScore(0), 1.0);
  EXPECT_NEAR(ConfigScore(1), 0.995, 1e-9);
  EXPECT_NEAR(ConfigScore(10), 0.799, 0.001);
  EXPECT_NEAR(ConfigScore(20), 0.495, 0.001);
  EXPECT_LT(ConfigScore(100), 0.01);
}

TEST(VersionsBehindOf, ComparesVersionsAsTextAndClaimsNothingOnGarbage) {
  EXPECT_EQ(VersionsBehindOf("1.1.0", "1.3.0"), 20u);
  EXPECT_EQ(VersionsBehindOf("1.3.0", "1.3.0"), 0u);
  EXPECT_EQ(VersionsBehindOf("", "1.3.0"), std::nullopt) << "no version known";
  EXPECT_EQ(VersionsBehindOf("1.1.0", "nym-binaries-v2026.10"), std::nullopt);
}

}  // namespace
}  // namespace nymvisor
