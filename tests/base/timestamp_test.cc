#include "agent/base/timestamp.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

Timestamp Epoch() { return Timestamp(); }

TEST(ParseTimestamp, ReadsUtcAndFractions) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), Epoch());
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:01.5Z"), Epoch() + 1500ms);
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00.000000001Z"), Epoch() + 1ns);
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2024-11-19T09:00:12.345678901Z")),
            "2024-11-19T09:00:12.345678901Z");
}

TEST(ParseTimestamp, ConvertsOffsetsToUtc) {
  EXPECT_EQ(*ParseTimestamp("2025-02-10T18:14:47+01:00"), *ParseTimestamp("2025-02-10T17:14:47Z"));
  EXPECT_EQ(*ParseTimestamp("2025-02-10T18:14:47-02:30"), *ParseTimestamp("2025-02-10T20:44:47Z"));
}

TEST(ParseTimestamp, RejectsMalformedValues) {
  for (const char* bad : {"", "2024-11-19", "2024-11-19T09:00:00", "2024-13-01T00:00:00Z",
                          "2024-02-30T00:00:00Z", "2024-11-19T25:00:00Z", "2024-11-19T09:00:00.Z",
                          "2024-11-19T09:00:00Zjunk", "tomorrow", "2024-11-19T09:00:00+1:00"}) {
    Result<Timestamp> t = ParseTimestamp(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos);
  }
}

TEST(ParseTimestamp, RefusesYearsThatWouldWrapAround) {
  for (const char* far : {"9999-12-31T23:59:59Z", "2262-04-12T00:00:00Z", "1000-01-01T00:00:00Z"}) {
    Result<Timestamp> t = ParseTimestamp(far);
    ASSERT_FALSE(t.ok()) << far << " parsed as " << FormatTimestamp(*t);
    EXPECT_NE(t.status().message().find("outside the years 1900-2261"), std::string::npos);
  }
  Result<Timestamp> last = ParseTimestamp("2261-12-31T23:59:59Z");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(FormatTimestamp(*last), "2261-12-31T23:59:59Z");
}

TEST(FormatTimestamp, UsesZAndTrimsTrailingZeros) {
  EXPECT_EQ(FormatTimestamp(Epoch()), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Epoch() + 1500ms), "1970-01-01T00:00:01.5Z");
}

TEST(FormatBackupStamp, HasMillisecondsLikeTheOriginal) {
  Timestamp t = *ParseTimestamp("2024-11-19T09:00:12.345678Z");
  EXPECT_EQ(FormatBackupStamp(t), "2024-11-19-090012345");
}

}  // namespace
}  // namespace nymvisor
