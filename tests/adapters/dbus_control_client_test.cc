// DbusControlClient where no system bus can be reached: the CLI's control
// commands say what failed and what to do, not a bare D-Bus error.
#include "agent/adapters/dbus_control_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

namespace nymvisor {
namespace {

/// Points sd-bus at a socket that does not exist for the test's lifetime.
class NoBusEnv {
 public:
  NoBusEnv() {
    if (const char* old = ::getenv(kVar)) old_ = old;
    ::setenv(kVar, "unix:path=/nonexistent/nymvisor-test/system_bus_socket", 1);
  }
  ~NoBusEnv() {
    if (old_) {
      ::setenv(kVar, old_->c_str(), 1);
    } else {
      ::unsetenv(kVar);
    }
  }

 private:
  static constexpr char kVar[] = "DBUS_SYSTEM_BUS_ADDRESS";
  std::optional<std::string> old_;
};

TEST(DbusControlClientTest, WithoutASystemBusItSaysWhatFailedAndWhatToDo) {
  NoBusEnv env;
  Result<std::unique_ptr<ControlClient>> client = DbusControlClient::Connect("mixnode");
  ASSERT_FALSE(client.ok());
  const Status& st = client.status();
  EXPECT_TRUE(st.IsUnavailable()) << "not NotFound: the agent may well be running";
  EXPECT_NE(st.message().find("cannot reach the system bus to ask the agent of 'mixnode'"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("connecting to the system bus"), std::string::npos)
      << "the cause is kept: " << st.message();
  EXPECT_NE(st.message().find("is dbus running"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("where nymvisor@mixnode runs"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace nymvisor
