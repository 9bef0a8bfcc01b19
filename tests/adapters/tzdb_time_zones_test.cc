#include "agent/adapters/tzdb_time_zones.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::year;

TEST(TzdbTimeZones, BerlinChangesAtTheEuropeanTransitions) {
  TzdbTimeZones zones;
  Timestamp from = Timestamp(sys_days(year(2026) / 3 / 1));
  Result<ZoneOffsets> got = zones.Offsets("Europe/Berlin", from, from + 240 * 24h);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_GE(got->size(), 3u);
  EXPECT_EQ((*got)[0].utc_offset, 1h);
  EXPECT_EQ((*got)[1].begin, Timestamp(sys_days(year(2026) / 3 / 29)) + 1h);
  EXPECT_EQ((*got)[1].utc_offset, 2h);
  EXPECT_EQ((*got)[2].begin, Timestamp(sys_days(year(2026) / 10 / 25)) + 1h);
  EXPECT_EQ((*got)[2].utc_offset, 1h);
}

TEST(TzdbTimeZones, NewYorkChangesAtTheAmericanTransitions) {
  TzdbTimeZones zones;
  Timestamp from = Timestamp(sys_days(year(2026) / 3 / 1));
  Result<ZoneOffsets> got = zones.Offsets("America/New_York", from, from + 250 * 24h);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_GE(got->size(), 3u);
  EXPECT_EQ((*got)[1].begin, Timestamp(sys_days(year(2026) / 3 / 8)) + 7h);
  EXPECT_EQ((*got)[1].utc_offset, -4h);
  EXPECT_EQ((*got)[2].begin, Timestamp(sys_days(year(2026) / 11 / 1)) + 6h);
}

TEST(TzdbTimeZones, UtcIsOneSpanAndAnUnknownZoneIsNamed) {
  TzdbTimeZones zones;
  Timestamp from = Timestamp(sys_days(year(2026) / 3 / 1));
  Result<ZoneOffsets> utc = zones.Offsets("UTC", from, from + 24h);
  ASSERT_TRUE(utc.ok());
  ASSERT_EQ(utc->size(), 1u);
  EXPECT_EQ(utc->front().utc_offset, 0s);
  Result<ZoneOffsets> bad = zones.Offsets("Mars/Olympus", from, from + 24h);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Mars/Olympus"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
