#include "agent/decide/maintenance_window.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::year;

Timestamp Utc(sys_days day, std::chrono::minutes time) { return Timestamp(day) + time; }

ZoneOffsets Fixed(std::chrono::seconds offset) {
  return {{Timestamp() - 100000h, Timestamp() + 1000000h, offset}};
}

/// Europe/Berlin around 2026's transitions: CET +1h, CEST +2h from
/// 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
ZoneOffsets Berlin() {
  Timestamp spring = Utc(year(2026) / 3 / 29, 60min);
  Timestamp autumn = Utc(year(2026) / 10 / 25, 60min);
  return {{Timestamp() - 100000h, spring, 1h}, {spring, autumn, 2h}, {autumn, autumn + 8000h, 1h}};
}

/// America/New_York: EST -5h, EDT -4h from 2026-03-08 07:00 UTC to
/// 2026-11-01 06:00 UTC.
ZoneOffsets NewYork() {
  Timestamp spring = Utc(year(2026) / 3 / 8, 7h);
  Timestamp autumn = Utc(year(2026) / 11 / 1, 6h);
  return {
      {Timestamp() - 100000h, spring, -5h}, {spring, autumn, -4h}, {autumn, autumn + 8000h, -5h}};
}

TEST(ParseWindowSpec, ReadsDaysAndTimes) {
  Result<WindowSpec> every = ParseWindowSpec("02:00-04:30");
  ASSERT_TRUE(every.ok()) << every.status().message();
  EXPECT_EQ(every->days, 0x7f);
  EXPECT_EQ(every->start_min, 120);
  EXPECT_EQ(every->end_min, 270);
  EXPECT_EQ(ParseWindowSpec("Mon..Fri 22:00-02:00")->days, 0x1f);
  EXPECT_EQ(ParseWindowSpec("Sat,Sun 03:00-05:00")->days, 0x60);
  EXPECT_EQ(ParseWindowSpec("sunday 03:00-05:00")->days, 0x40);
  EXPECT_EQ(ParseWindowSpec("Fri..Mon 03:00-05:00")->days, 0x71);
}

TEST(ParseWindowSpec, AnEndBeforeTheStartWrapsPastMidnight) {
  EXPECT_EQ(ParseWindowSpec("22:00-02:00")->Length(), 4h);
  EXPECT_EQ(ParseWindowSpec("02:00-02:30")->Length(), 30min);
}

TEST(ParseWindowSpec, ErrorsQuoteWhatIsWrong) {
  Result<WindowSpec> hour = ParseWindowSpec("25:00-26:00");
  ASSERT_FALSE(hour.ok());
  EXPECT_NE(hour.status().message().find("hour 25"), std::string::npos) << hour.status().message();
  Result<WindowSpec> day = ParseWindowSpec("Mno 02:00-03:00");
  ASSERT_FALSE(day.ok());
  EXPECT_NE(day.status().message().find("unknown day 'Mno'"), std::string::npos);
  EXPECT_FALSE(ParseWindowSpec("02:00-02:00").ok());
  EXPECT_FALSE(ParseWindowSpec("2:00-03:00").ok());
  EXPECT_FALSE(ParseWindowSpec("02:00").ok());
  EXPECT_FALSE(ParseWindowSpec("02:60-03:00").ok());
}

TEST(ExpandWindows, WeekdaysOnlyOpenOnTheirDays) {
  // 2026-12-07 is a Monday.
  WindowSpec weekend = *ParseWindowSpec("Sat,Sun 03:00-05:00");
  Timestamp monday = Utc(year(2026) / 12 / 7, 0min);
  auto got = ExpandWindows({&weekend, 1}, Fixed(0s), monday, monday + 7 * 24h);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].begin, Utc(year(2026) / 12 / 12, 3h));
  EXPECT_EQ(got[1].begin, Utc(year(2026) / 12 / 13, 3h));
  EXPECT_EQ(got[1].end, Utc(year(2026) / 12 / 13, 5h));
}

TEST(ExpandWindows, AWindowAcrossMidnightBelongsToItsStartDay) {
  WindowSpec friday = *ParseWindowSpec("Fri 22:00-02:00");
  Timestamp monday = Utc(year(2026) / 12 / 7, 0min);
  auto got = ExpandWindows({&friday, 1}, Fixed(0s), monday, monday + 7 * 24h);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].begin, Utc(year(2026) / 12 / 11, 22h));
  EXPECT_EQ(got[0].end, Utc(year(2026) / 12 / 12, 2h));
}

TEST(ExpandWindows, UsesTheZonesOffset) {
  WindowSpec daily = *ParseWindowSpec("02:00-03:00");
  Timestamp day = Utc(year(2026) / 12 / 7, 0min);
  auto got = ExpandWindows({&daily, 1}, Fixed(-5h), day + 12h, day + 36h);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].begin, Utc(year(2026) / 12 / 8, 7h));
}

TEST(ExpandWindows, BerlinSpringForwardOpensAtTheFirstValidMinute) {
  WindowSpec gap = *ParseWindowSpec("02:15-02:45");
  Timestamp day = Utc(year(2026) / 3 / 28, 12h);
  auto got = ExpandWindows({&gap, 1}, Berlin(), day, day + 24h);
  ASSERT_EQ(got.size(), 1u);
  // 03:00 CEST = 01:00 UTC; the window keeps its length.
  EXPECT_EQ(got[0].begin, Utc(year(2026) / 3 / 29, 1h));
  EXPECT_EQ(got[0].end, Utc(year(2026) / 3 / 29, 1h + 30min));
}

TEST(ExpandWindows, BerlinFallBackRunsARepeatedHourOnce) {
  WindowSpec repeated = *ParseWindowSpec("02:15-02:45");
  Timestamp day = Utc(year(2026) / 10 / 24, 12h);
  auto got = ExpandWindows({&repeated, 1}, Berlin(), day, day + 24h);
  ASSERT_EQ(got.size(), 1u);
  // The first 02:15 is CEST: 00:15 UTC.
  EXPECT_EQ(got[0].begin, Utc(year(2026) / 10 / 25, 15min));
}

TEST(ExpandWindows, NewYorkTransitions) {
  WindowSpec gap = *ParseWindowSpec("02:00-02:30");
  Timestamp spring = Utc(year(2026) / 3 / 7, 12h);
  auto in_spring = ExpandWindows({&gap, 1}, NewYork(), spring, spring + 24h);
  ASSERT_EQ(in_spring.size(), 1u);
  EXPECT_EQ(in_spring[0].begin, Utc(year(2026) / 3 / 8, 7h));  // 03:00 EDT
  Timestamp autumn = Utc(year(2026) / 10 / 31, 12h);
  WindowSpec repeated = *ParseWindowSpec("01:10-01:20");
  auto in_autumn = ExpandWindows({&repeated, 1}, NewYork(), autumn, autumn + 24h);
  ASSERT_EQ(in_autumn.size(), 1u);
  EXPECT_EQ(in_autumn[0].begin, Utc(year(2026) / 11 / 1, 5h + 10min));  // 01:10 EDT
}

TEST(ResolveLocal, AUniqueTimeIsItself) {
  Timestamp summer = Utc(year(2026) / 7 / 1, 10h);
  auto local = std::chrono::duration_cast<std::chrono::seconds>((summer + 2h).time_since_epoch());
  EXPECT_EQ(ResolveLocal(Berlin(), local), summer);
}

}  // namespace
}  // namespace nymvisor
