#include "agent/adapters/account_switch.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "agent/adapters/system_account.h"

namespace nymvisor {
namespace {

/// What a child wrote to its standard output, and how it ended.
struct ChildRun {
  std::string out;
  int status = -1;  ///< as waitpid(2) reports it
};

/// Runs `body` in a forked child with its standard output on a pipe, so a
/// drop that lasts for good (or an exec) leaves this process as it was. The
/// child exits 0 when `body` returns.
ChildRun RunInChild(const std::function<void()>& body) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {};
  std::cout.flush();  // nothing of this process's output is written twice
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[1]);
    body();
    std::fflush(stdout);
    std::cout.flush();
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  ChildRun run;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) run.out.append(buf, n);
  ::close(pipe_fds[0]);
  ::waitpid(pid, &run.status, 0);
  return run;
}

/// The lines of /proc/self/status that name the ids, groups, capabilities
/// and no_new_privs, as the process sees itself.
std::string SelfCredentials() {
  std::ifstream status("/proc/self/status");
  std::string line;
  std::string picked;
  for (const char* key :
       {"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapAmb:", "NoNewPrivs:"}) {
    status.clear();
    status.seekg(0);
    while (std::getline(status, line)) {
      if (line.rfind(key, 0) == 0) picked += line + "\n";
    }
  }
  return picked;
}

/// The groups initgroups(3) gives `user` with primary group `gid`, sorted.
std::vector<gid_t> AccountGroups(const std::string& user, gid_t gid) {
  int count = 64;
  std::vector<gid_t> groups(count);
  while (::getgrouplist(user.c_str(), gid, groups.data(), &count) < 0) groups.resize(count);
  groups.resize(count);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

/// The numbers of a "Groups:" line, sorted.
std::vector<gid_t> ParseGroups(const std::string& credentials) {
  std::vector<gid_t> groups;
  size_t at = credentials.find("Groups:");
  if (at == std::string::npos) return groups;
  std::istringstream line(credentials.substr(at + 7, credentials.find('\n', at) - at - 7));
  for (gid_t g; line >> g;) groups.push_back(g);
  std::sort(groups.begin(), groups.end());
  return groups;
}

std::string Ids(const char* key, unsigned id) {
  std::string n = std::to_string(id);
  return std::string(key) + "\t" + n + "\t" + n + "\t" + n + "\t" + n + "\n";
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(BecomeAccountTest, RootBecomesTheAccountForGood) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Result<SystemAccount> nobody = LookUpAccount("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.status().message();
  int no_new_privs_before = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  ChildRun run = RunInChild([] {
    Status st = BecomeAccount("nobody");
    std::cout << (st.ok() ? "became\n" : "error: " + st.message() + "\n");
    std::cout << SelfCredentials();
    // Nothing brings root back: not the uid, not the gid.
    errno = 0;
    std::cout << "setresuid-0: " << ::setresuid(0, 0, 0) << " " << std::strerror(errno) << "\n";
    errno = 0;
    std::cout << "setresgid-0: " << ::setresgid(0, 0, 0) << " " << std::strerror(errno) << "\n";
  });
  ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.out;
  ASSERT_TRUE(Contains(run.out, "became\n")) << run.out;
  // Real, effective, saved and filesystem ids are all the account's.
  EXPECT_TRUE(Contains(run.out, Ids("Uid:", nobody->uid))) << run.out;
  EXPECT_TRUE(Contains(run.out, Ids("Gid:", nobody->gid))) << run.out;
  EXPECT_EQ(ParseGroups(run.out), AccountGroups("nobody", nobody->gid))
      << "the account's groups, and none of root's: " << run.out;
  for (const char* set :
       {"CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapAmb:\t0000000000000000"}) {
    EXPECT_TRUE(Contains(run.out, set)) << set << " in " << run.out;
  }
  EXPECT_TRUE(Contains(run.out, "NoNewPrivs:\t" + std::to_string(no_new_privs_before) + "\n"))
      << "no_new_privs is left as it was: " << run.out;
  EXPECT_TRUE(Contains(run.out, "setresuid-0: -1 " + std::string(std::strerror(EPERM)))) << run.out;
  EXPECT_TRUE(Contains(run.out, "setresgid-0: -1 " + std::string(std::strerror(EPERM)))) << run.out;
}

TEST(BecomeAccountTest, AnUnknownAccountIsNamedAndNothingChanges) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Status st = BecomeAccount("no-such-account-here");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Contains(st.message(), "no-such-account-here")) << st.message();
  EXPECT_TRUE(Contains(st.message(), "daemon.user")) << st.message();
  EXPECT_EQ(::geteuid(), 0u);
  EXPECT_EQ(::getuid(), 0u);
}

TEST(BecomeAccountTest, NoAccountOrRootsOwnChangesNothing) {
  uid_t uid = ::getuid();
  uid_t euid = ::geteuid();
  EXPECT_TRUE(BecomeAccount("").ok());
  EXPECT_TRUE(BecomeAccount("root").ok());
  EXPECT_EQ(::getuid(), uid);
  EXPECT_EQ(::geteuid(), euid);
}

TEST(ExecAsAccountTest, TheProgramRunsAsTheAccountWithTheExtraEnvironment) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Result<SystemAccount> nobody = LookUpAccount("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.status().message();
  ChildRun run = RunInChild([] {
    Status st = ExecAsAccount(
        {"/bin/sh", "-c", "grep -E '^(Uid|Gid|CapEff):' /proc/self/status; echo \"x=$NV_TEST_X\""},
        {{"NV_TEST_X", "from -c"}}, "nobody");
    std::cout << "returned: " << st.message() << "\n";
    std::cout.flush();
    ::_exit(127);
  });
  ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.out;
  EXPECT_TRUE(Contains(run.out, Ids("Uid:", nobody->uid))) << run.out;
  EXPECT_TRUE(Contains(run.out, Ids("Gid:", nobody->gid))) << run.out;
  EXPECT_TRUE(Contains(run.out, "CapEff:\t0000000000000000")) << run.out;
  EXPECT_TRUE(Contains(run.out, "x=from -c\n")) << run.out;
}

TEST(ExecAsAccountTest, WithoutAnAccountTheProgramRunsAsThisProcess) {
  ChildRun run = RunInChild([] {
    (void)ExecAsAccount({"/bin/sh", "-c", "id -u; echo \"x=$NV_TEST_X\""}, {{"NV_TEST_X", "1"}},
                        "");
    ::_exit(127);
  });
  ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.out;
  EXPECT_EQ(run.out, std::to_string(::geteuid()) + "\nx=1\n");
}

TEST(ExecAsAccountTest, AProgramThatCannotRunIsNamed) {
  Status st = ExecAsAccount({"/nonexistent/nym-node", "run"}, {}, "");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Contains(st.message(), "cannot execute /nonexistent/nym-node")) << st.message();
  EXPECT_FALSE(ExecAsAccount({}, {}, "").ok()) << "nothing to execute is an error, not a crash";
}

}  // namespace
}  // namespace nymvisor
