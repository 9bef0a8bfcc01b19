#include "agent/config/time_zone_names.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(KnownTimeZone, TakesUtcLocaltimeAndIanaNames) {
  EXPECT_TRUE(KnownTimeZone("UTC"));
  EXPECT_TRUE(KnownTimeZone("localtime"));
  EXPECT_TRUE(KnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(KnownTimeZone("America/New_York"));
}

TEST(KnownTimeZone, RefusesWhatTheTzdbDoesNotKnow) {
  EXPECT_FALSE(KnownTimeZone("Europe/Berln"));
  EXPECT_FALSE(KnownTimeZone(""));
  EXPECT_FALSE(KnownTimeZone("/etc/passwd"));
  EXPECT_FALSE(KnownTimeZone("../../etc/passwd"));
}

}  // namespace
}  // namespace nymvisor
