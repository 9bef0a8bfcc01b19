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

TEST(Printable, EscapesControlBytesAndShortensLongText) {
  EXPECT_EQ(Printable("v1.2.0"), "v1.2.0");
  EXPECT_EQ(Printable(std::string_view("a\0b\n", 4)), "a\\x00b\\x0a");
  EXPECT_EQ(Printable(std::string(10000, 'n'), 4), "nnnn... (10000 bytes)");
}

}  // namespace
}  // namespace nymvisor
