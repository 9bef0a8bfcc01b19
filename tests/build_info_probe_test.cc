#include "agent/build_info_probe.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::FakeNodePath;
using testing::StampFakeNode;
using testing::TempDir;

TEST(ProbeBuildInfo, PassesTheOriginalArgv) {
  testing::FakeProcessRunner runner;
  runner.SetBuildInfo("/bin/node", testing::NodeBuildInfo("1.2.3"));
  Result<BuildInfo> info = ProbeBuildInfo(runner, "/bin/node");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->build_version, "1.2.3");
  EXPECT_EQ(runner.calls().at(0),
            (std::vector<std::string>{"/bin/node", "--no-banner", "build-info", "--output=json"}));
}

TEST(ProbeBuildInfo, WorksAgainstTheFakeNode) {
  PosixProcessRunner runner;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"version", "2.0.1"}});
  Result<BuildInfo> info = ProbeBuildInfo(runner, node);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->build_version, "2.0.1");
  EXPECT_EQ(info->binary_name, "nym-node");
}

TEST(ProbeBuildInfo, NonZeroExitQuotesStderr) {
  testing::FakeProcessRunner runner;
  ProcessResult failed;
  failed.exit_code = 2;
  failed.err = "error: unrecognized subcommand 'build-info'\n";
  runner.SetResult("/bin/node", failed);
  Status st = ProbeBuildInfo(runner, "/bin/node").status();
  EXPECT_NE(st.message().find("exited with status 2: error: unrecognized subcommand"),
            std::string::npos)
      << st.message();
}

TEST(ProbeBuildInfo, BadJsonIsAnError) {
  PosixProcessRunner runner;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"bad_build_info", "true"}});
  Status st = ProbeBuildInfo(runner, node).status();
  EXPECT_NE(st.message().find("printed unusable build information"), std::string::npos)
      << st.message();
}

TEST(ProbeBuildInfo, TimesOutOnAHangingBinary) {
  PosixProcessRunner runner;
  TempDir dir;
  std::string node = StampFakeNode(dir / "nym-node", {{"hang_build_info", "true"}});
  Status st = ProbeBuildInfo(runner, node, 300ms).status();
  EXPECT_NE(st.message().find("did not answer within 300ms"), std::string::npos) << st.message();
}

TEST(ProbeBuildInfo, MissingBinaryIsAnError) {
  PosixProcessRunner runner;
  Status st = ProbeBuildInfo(runner, "/no/such/nym-node").status();
  EXPECT_NE(st.message().find("/no/such/nym-node"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
