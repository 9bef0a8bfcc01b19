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

TEST(FakeNode, SpeaksNymsBuildInfoFormat) {
  // nym-releases.md 3: one line of compact JSON, ten string fields in this
  // order, for --output=json, --output json and -o json alike.
  PosixProcessRunner processes;
  for (std::vector<std::string> flags :
       {std::vector<std::string>{"--output=json"}, std::vector<std::string>{"--output", "json"},
        std::vector<std::string>{"-o", "json"}}) {
    std::vector<std::string> argv = {FakeNodePath(), "--no-banner", "build-info"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    Result<ProcessResult> r = processes.Run(argv, 10s);
    ASSERT_TRUE(r.ok() && r->Succeeded());
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(r->out);
    std::vector<std::string> keys;
    for (auto& [key, value] : j.items()) {
      keys.push_back(key);
      EXPECT_TRUE(value.is_string()) << key;
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"binary_name", "build_timestamp", "build_version",
                                              "commit_sha", "commit_timestamp", "commit_branch",
                                              "rustc_version", "rustc_channel", "cargo_profile",
                                              "cargo_triple"}));
    EXPECT_EQ(j["commit_sha"].get<std::string>().size(), 40u);
    EXPECT_EQ(std::count(r->out.begin(), r->out.end(), '\n'), 1) << "one line";
  }
}

TEST(ProbeBuildInfo, ReadsNymsRealFixtureLine) {
  Result<BuildInfo> info = ParseBuildInfo(
      R"({"binary_name":"nym-node","build_timestamp":"2026-05-20T08:41:07.118203554Z","build_version":"1.32.0","commit_sha":"aa11bb22cc33dd44ee55ff6677889900aabbccdd","commit_timestamp":"2026-05-20T10:12:40.000000000+02:00","commit_branch":"HEAD","rustc_version":"1.91.1","rustc_channel":"stable","cargo_profile":"release","cargo_triple":"x86_64-unknown-linux-gnu"})");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->build_version, "1.32.0");
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
