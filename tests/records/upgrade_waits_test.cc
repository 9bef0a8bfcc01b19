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

}  // namespace
}  // namespace nymvisor
