#include "agent/adapters/host_platform.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(HostPlatform, IsLinuxAndTheMachine) {
  std::string platform = HostPlatform();
  EXPECT_EQ(platform.rfind("linux-", 0), 0u) << platform;
  EXPECT_GT(platform.size(), std::string("linux-").size());
}

}  // namespace
}  // namespace nymvisor
