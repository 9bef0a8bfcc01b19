#include "agent/base/status.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(Status, UnusableIsItsOwnCodeNotAbsence) {
  Status st = Status::Unusable("the backup is unusable: v2 is a symlink");
  EXPECT_TRUE(st.IsUnusable());
  EXPECT_FALSE(st.IsNotFound()) << "a refused backup is not an absent record";
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(Status::NotFound("no backup").IsUnusable());
}

TEST(Status, ContextKeepsTheCode) {
  Status st = Status::Unusable("not a complete backup").WithContext("restoring");
  EXPECT_TRUE(st.IsUnusable());
  EXPECT_EQ(st.message(), "restoring: not a complete backup");
}

}  // namespace
}  // namespace nymvisor
