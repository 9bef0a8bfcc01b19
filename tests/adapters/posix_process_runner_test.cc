#include "agent/adapters/posix_process_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "agent/ports/process_runner.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

TEST(PosixProcessRunner, CapturesOutputAndExitCode) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->Succeeded());
  EXPECT_EQ(r->Describe(), "exited with status 3");
}

TEST(PosixProcessRunner, AGivenEnvironmentReplacesOursWhole) {
  ::setenv("NYMVISOR_TEST_SECRET", "hunter2", 1);
  PosixProcessRunner processes;
  std::vector<std::string> env = {"ONLY=this"};
  Result<ProcessResult> r = processes.Run({"/usr/bin/env"}, 10s, kDefaultMaxOutput, &env);
  ::unsetenv("NYMVISOR_TEST_SECRET");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "ONLY=this\n");
  Result<ProcessResult> inherited = processes.Run({"/usr/bin/env"}, 10s);
  ASSERT_TRUE(inherited.ok());
  EXPECT_NE(inherited->out.find("PATH="), std::string::npos) << "without env, ours is inherited";
}

TEST(PosixProcessRunner, ReportsSignals) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/bin/sh", "-c", "kill -TERM $$"}, 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_NE(r->Describe().find("killed by signal 15"), std::string::npos);
}

TEST(PosixProcessRunner, KillsTheProcessGroupOnTimeout) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/bin/sh", "-c", "sleep 30 & sleep 30"}, 200ms);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->Succeeded());
}

TEST(PosixProcessRunner, CapsOutput) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/bin/sh", "-c", "head -c 100000 /dev/zero"}, 10s, 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out.size(), 1000u);
  EXPECT_TRUE(r->Succeeded());
}

TEST(PosixProcessRunner, MissingBinaryIsAnError) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/nonexistent/binary"}, 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/binary"), std::string::npos);
}

TEST(PosixProcessRunner, ChildGetsNoStdin) {
  PosixProcessRunner processes;
  Result<ProcessResult> r = processes.Run({"/bin/cat"}, 5s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Succeeded());
  EXPECT_EQ(r->out, "");
}

}  // namespace
}  // namespace nymvisor

namespace nymvisor {
namespace {

TEST(PosixProcessRunner, RunsAsTheGivenUserWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  PosixProcessRunner processes("nobody");
  Result<ProcessResult> r = processes.Run({"/usr/bin/id", "-un"}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "nobody\n");
  PosixProcessRunner unknown("no-such-user-here");
  EXPECT_NE(unknown.Run({"/bin/true"}, std::chrono::seconds(1))
                .status()
                .message()
                .find("unknown user 'no-such-user-here'"),
            std::string::npos);
}

}  // namespace
}  // namespace nymvisor
