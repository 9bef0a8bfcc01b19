#include "agent/records/upgrade_waits.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

TEST(UpgradeWaits, RoundTrips) {
  UpgradeWaits waits;
  waits.first_seen["v2"] = Timestamp() + 1000h;
  Result<UpgradeWaits> back = ParseUpgradeWaits(DumpJsonCompact(UpgradeWaitsToJson(waits)));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, waits);
}

TEST(UpgradeWaits, AnEmptyObjectIsNoWaitAndABadTimeIsNamed) {
  EXPECT_TRUE(ParseUpgradeWaits("{}")->first_seen.empty());
  Result<UpgradeWaits> bad = ParseUpgradeWaits(R"({"firstSeen": {"v2": "yesterday"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("v2"), std::string::npos) << bad.status().message();
}

TEST(UpgradeWaits, KeepsWhenTheBusyCheckFirstPostponedAnUpgrade) {
  UpgradeWaits waits;
  waits.first_seen["v2"] = Timestamp() + 1000h;
  waits.due_since["v2"] = Timestamp() + 1001h;
  Json j = UpgradeWaitsToJson(waits);
  EXPECT_EQ(j["dueSince"]["v2"], FormatTimestamp(Timestamp() + 1001h));
  Result<UpgradeWaits> back = ParseUpgradeWaits(DumpJsonCompact(j));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, waits);
}

TEST(UpgradeWaits, AnOlderFileWithoutDueSinceReadsAsNone) {
  Result<UpgradeWaits> old = ParseUpgradeWaits(R"({"firstSeen": {"v2": "2026-11-26T12:00:00Z"}})");
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_EQ(old->first_seen.size(), 1u);
  EXPECT_TRUE(old->due_since.empty());
  EXPECT_FALSE(UpgradeWaitsToJson(*old).contains("dueSince")) << "written as it was";
  Result<UpgradeWaits> bad = ParseUpgradeWaits(R"({"dueSince": {"v3": 5}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("dueSince"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("v3"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace nymvisor
