#include "agent/records/hold.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

TEST(HoldRecord, RoundTripsAndNamesBadKeys) {
  HoldRecord hold{*ParseTimestamp("2026-11-26T12:00:00Z"), "waiting for the next epoch",
                  "uid 0 (root)"};
  EXPECT_EQ(*ParseHoldRecord(DumpJsonPretty(HoldRecordToJson(hold))), hold);
  Json j = HoldRecordToJson(hold);
  j.erase("since");
  Status st = HoldRecordFromJson(j).status();
  EXPECT_NE(st.message().find("hold"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("since"), std::string::npos) << st.message();
  EXPECT_FALSE(ParseHoldRecord("[]").ok());
  EXPECT_FALSE(ParseHoldRecord("{").ok());
}

}  // namespace
}  // namespace nymvisor
