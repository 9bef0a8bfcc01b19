// `nymvisor exec` through the whole command line: which binary it runs, as
// whom, and when it refuses to start the node.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/cli/cli.h"
#include "agent/decide/upgrade_state.h"
#include "agent/records/node_down.h"
#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

using testing::StampFakeNode;
using testing::WriteFile;

using CliTest = testing::CliFixture;

TEST_F(CliTest, ExecReplacesTheProcessWithTheCurrentBinary) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  WriteFile(dir_ / "vars.env", "EXTRA=1\n");
  EXPECT_EQ(Run({"-c", (dir_ / "vars.env").string(), "exec", "mixnode"}), 1);
  EXPECT_EQ(exec_argv_,
            (std::vector<std::string>{(dir_ / "home/nymvisor/current/bin/nym-node").string(), "run",
                                      "--id", "mixnode"}));
  EXPECT_EQ(exec_env_, (std::vector<EnvAssignment>{{"EXTRA", "1"}}));
  EXPECT_FALSE(exec_user_.empty()) << "the node runs as daemon.user";
}

/// upgrade-state.json of an upgrade v2 (1.1.0 -> 1.2.0) recorded in `step`.
void RecordUpgradeAt(const std::filesystem::path& data_dir, UpgradeStep step) {
  UpgradeState state;
  state.target.name = "v2";
  state.target.version = "1.2.0";
  state.from_name = "genesis";
  state.from_version = "1.1.0";
  state.step = step;
  WriteFile(data_dir / "upgrade-state.json", DumpJsonPretty(UpgradeStateToJson(state)));
}

TEST_F(CliTest, ExecRefusesToStartTheNodeWhileItsDataIsRestored) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  RecordUpgradeAt(dir_ / "home/nymvisor", UpgradeStep::kRestoring);
  EXPECT_EQ(Run({"exec", "mixnode"}), 75) << err_.str();
  EXPECT_TRUE(exec_argv_.empty()) << "the node is not started on a half-restored tree";
  for (const char* part : {"'nymvisor exec mixnode' does not start the node", "step restoring",
                           "v2 (1.1.0 -> 1.2.0)", "systemctl start nymvisor@mixnode"}) {
    EXPECT_NE(err_.str().find(part), std::string::npos) << part << ": " << err_.str();
  }
}

TEST_F(CliTest, ExecStartsTheNodeInTheStepsInWhichTheAgentStartsIt) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  RecordUpgradeAt(dir_ / "home/nymvisor", UpgradeStep::kRollbackStarting);
  EXPECT_EQ(Run({"exec", "mixnode"}), 1) << "exec recorded by the test";
  EXPECT_FALSE(exec_argv_.empty()) << err_.str();
}

TEST_F(CliTest, ExecRefusesWhileTheNodeLeftDownRecordExists) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  NodeDownRecord record{*ParseTimestamp("2026-12-01T10:00:00Z"),
                        "v2",
                        "1.1.0",
                        "1.2.0",
                        "no usable backup is left",
                        ""};
  WriteFile(dir_ / "home/nymvisor/node-left-down.json",
            DumpJsonPretty(NodeDownRecordToJson(record)));
  EXPECT_EQ(Run({"exec", "mixnode"}), 75) << err_.str();
  EXPECT_TRUE(exec_argv_.empty());
  EXPECT_NE(err_.str().find("nymvisor release-node"), std::string::npos) << err_.str();
  WriteFile(dir_ / "home/nymvisor/node-left-down.json", "{");
  EXPECT_EQ(Run({"exec", "mixnode"}), 75) << "an unreadable record fails closed";
  EXPECT_NE(err_.str().find("node-left-down.json"), std::string::npos) << err_.str();
  EXPECT_TRUE(exec_argv_.empty());
}

TEST_F(CliTest, AnAccountThatDoesNotExistIsNamedWithItsKeyAndTheFix) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  std::filesystem::path config = dir_ / "etc/mixnode.toml";
  std::string text = testing::ReadFileOrDie(config);
  size_t user = text.find("\nuser = ");
  ASSERT_NE(user, std::string::npos) << text;
  text.replace(user, text.find('\n', user + 1) - user, "\nuser = 'ghost'");
  WriteFile(config, text);
  account_result_ = Status::NotFound("no account named 'ghost'");
  for (const char* command : {"exec", "run"}) {
    err_.str("");
    std::vector<std::string> args = {command};
    if (std::string(command) == "exec") args.push_back("mixnode");
    EXPECT_NE(Run(args), 0) << command;
    EXPECT_NE(err_.str().find("daemon.user names 'ghost'"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("adduser --system ghost"), std::string::npos) << err_.str();
  }
  EXPECT_TRUE(exec_argv_.empty()) << "the node never ran";
}

TEST_F(CliTest, RootWorksInANodesFilesOnlyAsTheNodesAccount) {
  if (::geteuid() != 0) GTEST_SKIP() << "hands the home to another account";
  std::filesystem::create_directories(dir_ / "home");
  ASSERT_EQ(::chown((dir_ / "home").c_str(), 65534, 65534), 0) << "the node's home";
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(), node_}), 0)
      << err_.str();
  EXPECT_EQ(staged_for_, (std::vector<std::string>{"nobody"})) << "the binary is staged for it";
  EXPECT_EQ(acted_as_, (std::vector<std::string>{"nobody"})) << "and probed and installed as it";
  std::string v2 = testing::StampFakeNode(dir_ / "dist/v2", {{"version", "1.2.0"}});
  ASSERT_EQ(Run({"add-upgrade", v2, "--upgrade-name", "v2"}), 0) << err_.str();
  EXPECT_EQ(staged_for_.size(), 2u);
  EXPECT_EQ(acted_as_.size(), 2u);
  ASSERT_EQ(Run({"daemon-build-info"}), 0) << err_.str();
  ASSERT_EQ(Run({"history"}), 0) << err_.str();
  ASSERT_EQ(Run({"status"}), 0) << err_.str();
  EXPECT_EQ(acted_as_, (std::vector<std::string>(5, "nobody")));
  EXPECT_EQ(Run({"run"}), 7);
  EXPECT_EQ(became_, "nobody") << "the agent started by hand runs as the node's account";
}

TEST_F(CliTest, ExecPrefersTheConfigCredential) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  std::filesystem::path creds = dir_ / "creds";
  std::filesystem::create_directories(creds);
  std::string config = testing::ReadFileOrDie(dir_ / "etc/mixnode.toml");
  size_t at = config.find("args = ");
  config.replace(at, config.find('\n', at) - at, "args = ['from-credential']");
  WriteFile(creds / "nymvisor.toml", config);
  env_["CREDENTIALS_DIRECTORY"] = creds.string();
  EXPECT_EQ(Run({"exec", "mixnode"}), 1);
  ASSERT_EQ(exec_argv_.size(), 2u);
  EXPECT_EQ(exec_argv_[1], "from-credential");
}

TEST_F(CliTest, ExecOfAnUnknownInstanceSaysSo) {
  EXPECT_EQ(Run({"exec", "ghost"}), 1);
  EXPECT_NE(err_.str().find("no config for instance 'ghost'"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"exec", "../x"}), 1);
  EXPECT_NE(err_.str().find("invalid instance id"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
