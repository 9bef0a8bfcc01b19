#include "agent/base/duration.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsHumantimeForms) {
  EXPECT_EQ(*ParseDuration("1h"), 1h);
  EXPECT_EQ(*ParseDuration("90s"), 90s);
  EXPECT_EQ(*ParseDuration("1h30m"), 90min);
  EXPECT_EQ(*ParseDuration("1h 30m"), 90min);
  EXPECT_EQ(*ParseDuration("2days"), 48h);
  EXPECT_EQ(*ParseDuration("1day 2h"), 26h);
  EXPECT_EQ(*ParseDuration("250ms"), 250ms);
  EXPECT_EQ(*ParseDuration("10 s"), 10s);
  EXPECT_EQ(*ParseDuration("1w"), 168h);
  EXPECT_EQ(*ParseDuration("3us 4ns"), Duration(3004));
}

TEST(ParseDuration, DistinguishesMonthsFromMinutes) {
  EXPECT_EQ(*ParseDuration("1M"), std::chrono::seconds(2'630'016));
  EXPECT_EQ(*ParseDuration("1m"), 60s);
  EXPECT_EQ(*ParseDuration("1y"), std::chrono::seconds(31'557'600));
}

TEST(ParseDuration, RejectsMissingUnitUnknownUnitAndGarbage) {
  EXPECT_NE(ParseDuration("10").status().message().find("a unit is required"), std::string::npos);
  EXPECT_NE(ParseDuration("10 parsecs").status().message().find("unknown unit 'parsecs'"),
            std::string::npos);
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("   ").ok());
  EXPECT_FALSE(ParseDuration("h").ok());
  EXPECT_FALSE(ParseDuration("-5s").ok());
  EXPECT_FALSE(ParseDuration("1.5h").ok());
}

TEST(ParseDuration, ErrorQuotesTheInput) {
  EXPECT_EQ(ParseDuration("5 lightyears").status().message(),
            "invalid duration '5 lightyears': unknown unit 'lightyears'");
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_FALSE(ParseDuration("99999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("9999999999999y").ok());
}

TEST(FormatDuration, MatchesHumantimeOutput) {
  EXPECT_EQ(FormatDuration(0s), "0s");
  EXPECT_EQ(FormatDuration(10s), "10s");
  EXPECT_EQ(FormatDuration(120s), "2m");
  EXPECT_EQ(FormatDuration(1h), "1h");
  EXPECT_EQ(FormatDuration(90min), "1h 30m");
  EXPECT_EQ(FormatDuration(26h), "1day 2h");
  EXPECT_EQ(FormatDuration(48h), "2days");
  EXPECT_EQ(FormatDuration(1500ms), "1s 500ms");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (Duration d : {Duration(1s), Duration(61s), Duration(3h + 7min), Duration(250ms),
                     Duration(400h), Duration(Duration(123456789))}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(d)), d) << FormatDuration(d);
  }
}

}  // namespace
}  // namespace nymvisor
