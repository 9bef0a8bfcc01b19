#include "agent/adapters/account_scope.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/adapters/posix_process_runner.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;

TEST(AccountScopeTest, ActsAsTheAccountUntilItEnds) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  TempDir dir;  // root's, 0700
  {
    Result<std::unique_ptr<AccountScope>> scope = AccountScope::Enter("nobody");
    ASSERT_TRUE(scope.ok()) << scope.status().message();
    EXPECT_TRUE((*scope)->active());
    EXPECT_EQ(::geteuid(), 65534u);
    int fd = ::open((dir / "x").c_str(), O_WRONLY | O_CREAT, 0600);
    EXPECT_LT(fd, 0) << "root's private directory is closed to the account";
    EXPECT_EQ(errno, EACCES);
    if (fd >= 0) ::close(fd);
  }
  EXPECT_EQ(::geteuid(), 0u);
  EXPECT_EQ(::getegid(), 0u);
}

TEST(AccountScopeTest, ChildrenDropToTheAccountForGood) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Result<std::unique_ptr<AccountScope>> scope = AccountScope::Enter("nobody");
  ASSERT_TRUE(scope.ok());
  PosixProcessRunner processes;
  Result<ProcessResult> r =
      processes.Run({"/bin/sh", "-c", "grep '^Uid:' /proc/self/status"}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status().message();
  // real, effective, saved and filesystem uid: none is root's, so the child
  // cannot switch back.
  EXPECT_EQ(r->out, "Uid:\t65534\t65534\t65534\t65534\n");
}

TEST(AccountScopeTest, AnUnknownAccountIsNamed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Result<std::unique_ptr<AccountScope>> scope = AccountScope::Enter("no-such-account-here");
  ASSERT_FALSE(scope.ok());
  EXPECT_NE(scope.status().message().find("no-such-account-here"), std::string::npos);
  EXPECT_EQ(::geteuid(), 0u);
}

TEST(AccountScopeTest, RootAndNonRootAreNoOps) {
  Result<std::unique_ptr<AccountScope>> scope = AccountScope::Enter("root");
  ASSERT_TRUE(scope.ok());
  EXPECT_FALSE((*scope)->active());
}

}  // namespace
}  // namespace nymvisor
