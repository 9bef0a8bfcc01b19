#include "agent/shell/build_info_probe.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/posix_process_runner.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::FakeNodePath;
using testing::StampFakeNode;
using testing::TempDir;

TEST(ProbeBuildInfo, PassesTheOriginalArgv) {
  testing::FakeProcessRunner processes;
  processes.SetBuildInfo("/bin/node", testing::NodeBuildInfo("1.2.3"));
  Result<BuildInfo> info = ProbeBuildInfo(processes, "/bin/node");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->build_version, "1.2.3");
  EXPECT_EQ(processes.calls().at(0),
            (std::vector<std::string>{"/bin/node", "--no-banner", "build-info", "--output=json"}));
}

TEST(ProbeBuildInfo, WorksAgainstTheFakeNode) {
  PosixProcessRunner processes;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"version", "2.0.1"}});
  Result<BuildInfo> info = ProbeBuildInfo(processes, node);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->build_version, "2.0.1");
  EXPECT_EQ(info->binary_name, "nym-node");
}

TEST(ProbeBuildInfo, NonZeroExitQuotesStderr) {
  testing::FakeProcessRunner processes;
  ProcessResult failed;
  failed.exit_code = 2;
  failed.err = "error: unrecognized subcommand 'build-info'\n";
  processes.SetResult("/bin/node", failed);
  Status st = ProbeBuildInfo(processes, "/bin/node").status();
  EXPECT_NE(st.message().find("exited with status 2: error: unrecognized subcommand"),
            std::string::npos)
      << st.message();
}

TEST(ProbeBuildInfo, BadJsonIsAnError) {
  PosixProcessRunner processes;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"bad_build_info", "true"}});
  Status st = ProbeBuildInfo(processes, node).status();
  EXPECT_NE(st.message().find("printed unusable build information"), std::string::npos)
      << st.message();
}

TEST(ProbeBuildInfo, TimesOutOnAHangingBinary) {
  PosixProcessRunner processes;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"hang_build_info", "true"}});
  Status st = ProbeBuildInfo(processes, node, 300ms).status();
  EXPECT_NE(st.message().find("did not answer within 300ms"), std::string::npos) << st.message();
}

TEST(ProbeBuildInfo, MissingBinaryIsAnError) {
  PosixProcessRunner processes;
  Status st = ProbeBuildInfo(processes, "/no/such/nym-node").status();
  EXPECT_NE(st.message().find("/no/such/nym-node"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
