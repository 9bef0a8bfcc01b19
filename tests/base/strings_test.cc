#include "agent/base/strings.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(Join, PutsTheSeparatorOnlyBetween) {
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({"run", "--id", "x"}, " "), "run --id x");
  EXPECT_EQ(Join({"", "b"}, ","), ",b") << "empty items keep their place";
}

}  // namespace
}  // namespace nymvisor
