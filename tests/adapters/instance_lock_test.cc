#include "agent/adapters/instance_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

TEST(InstanceLock, OneHolderAtATimeAndTheSecondIsToldWho) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() / "agent.lock";
  auto first = InstanceLock::Acquire(path, "mixnode");
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  EXPECT_EQ(pid, ::getpid()) << "the holder's pid is in the file";
  // flock is per open file: a second open in this process conflicts too.
  auto second = InstanceLock::Acquire(path, "mixnode");
  ASSERT_FALSE(second.ok());
  const std::string& msg = second.status().message();
  EXPECT_NE(msg.find("another nymvisor agent runs for instance 'mixnode' (pid " +
                     std::to_string(::getpid())),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("nymvisor status --id mixnode"), std::string::npos) << msg;
  first->reset();
  EXPECT_TRUE(InstanceLock::Acquire(path, "mixnode").ok()) << "released with its holder";
}

TEST(InstanceLock, ADeadHoldersLockIsFree) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() / "agent.lock";
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = InstanceLock::Acquire(path, "mixnode");
    ::_exit(lock.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(InstanceLock::Acquire(path, "mixnode").ok()) << "a crashed agent leaves no lock";
}

TEST(InstanceLock, RefusesASymlink) {
  testing::TempDir dir;
  std::filesystem::create_symlink(dir.path() / "elsewhere", dir.path() / "agent.lock");
  EXPECT_FALSE(InstanceLock::Acquire(dir.path() / "agent.lock", "mixnode").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "elsewhere"));
}

TEST(UnitOfProcess, NoUnitForANonexistentProcess) { EXPECT_EQ(UnitOfProcess(999999999), ""); }

}  // namespace
}  // namespace nymvisor
