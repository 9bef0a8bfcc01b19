#include "agent/adapters/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>

namespace nymvisor {
namespace {

/// Whether `fd` names an open file description in this process.
bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int OpenDevNull() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST(FdTest, ClosesWhenItGoesOutOfScope) {
  int raw = -1;
  {
    Fd fd(OpenDevNull());
    raw = fd.get();
    ASSERT_GE(raw, 0);
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(FdTest, AMoveHandsTheDescriptorOver) {
  Fd from(OpenDevNull());
  int raw = from.get();
  ASSERT_GE(raw, 0);
  Fd to(std::move(from));
  EXPECT_EQ(to.get(), raw);
  EXPECT_EQ(from.get(), -1);  // NOLINT(bugprone-use-after-move): the contract
  EXPECT_TRUE(IsOpen(raw));
}

TEST(FdTest, MoveAssignmentClosesWhatItHeld) {
  Fd held(OpenDevNull());
  Fd incoming(OpenDevNull());
  int old_raw = held.get();
  int new_raw = incoming.get();
  ASSERT_GE(old_raw, 0);
  ASSERT_GE(new_raw, 0);
  held = std::move(incoming);
  EXPECT_EQ(held.get(), new_raw);
  EXPECT_FALSE(IsOpen(old_raw));
  EXPECT_TRUE(IsOpen(new_raw));
}

TEST(FdTest, CloseReportsAndLeavesNothingToClose) {
  Fd fd(OpenDevNull());
  int raw = fd.get();
  EXPECT_EQ(fd.Close(), 0);
  EXPECT_EQ(fd.get(), -1);
  EXPECT_FALSE(IsOpen(raw));
}

TEST(FdTest, AFailedOpenOwnsNothing) {
  Fd fd(::open("/nonexistent/nymvisor-fd-test", O_RDONLY | O_CLOEXEC));
  EXPECT_EQ(fd.get(), -1);
  Fd empty;
  EXPECT_EQ(empty.get(), -1);
}

}  // namespace
}  // namespace nymvisor
