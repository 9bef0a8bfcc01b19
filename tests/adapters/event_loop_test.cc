#include "agent/adapters/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, TimersFireInOrderAndCancelledOnesDoNot) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status().message();
  std::vector<int> fired;
  // Deadlines far apart: a loaded machine may pause this thread between
  // two registrations (5 ms apart once flipped the order under load).
  (*loop)->After(400ms, [&] {
    fired.push_back(2);
    (*loop)->After(250ms, [&] { (*loop)->Exit(3); });  // after the cancelled one's time
  });
  (*loop)->After(50ms, [&] { fired.push_back(1); });
  auto cancelled = (*loop)->After(200ms, [&] { fired.push_back(99); });
  (*loop)->Cancel(cancelled);
  EXPECT_EQ((*loop)->Run(), 3);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(EventLoop, WallClockTimersInThePastFireAtOnce) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  bool fired = false;
  (*loop)->At(Timestamp() + 1s, [&] {
    fired = true;
    (*loop)->Exit(0);
  });
  (*loop)->After(5s, [&] { (*loop)->Exit(1); });
  EXPECT_EQ((*loop)->Run(), 0);
  EXPECT_TRUE(fired);
}

TEST(EventLoop, WatchesFileDescriptors) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  uint64_t got = 0;
  ASSERT_TRUE((*loop)
                  ->WatchFd(fd, EPOLLIN,
                            [&](uint32_t) {
                              ASSERT_EQ(read(fd, &got, sizeof got), 8);
                              (*loop)->Exit(0);
                            })
                  .ok());
  (*loop)->After(1ms, [&] {
    uint64_t one = 5;
    ASSERT_EQ(write(fd, &one, sizeof one), 8);
  });
  EXPECT_EQ((*loop)->Run(), 0);
  EXPECT_EQ(got, 5u);
  close(fd);
}

}  // namespace
}  // namespace nymvisor
