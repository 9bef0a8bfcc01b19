// `nymvisor run` through the whole command line: the config it hands the
// agent and the daemon arguments it accepts.
#include <gtest/gtest.h>

#include "agent/cli/cli.h"
#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

using testing::WriteFile;

using CliTest = testing::CliFixture;

TEST_F(CliTest, RunStartsTheAgentWithTheInstanceConfig) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["NYMVISOR_ID"] = "mixnode";
  EXPECT_EQ(Run({"run"}), 7);
  ASSERT_TRUE(agent_config_.has_value());
  EXPECT_EQ(agent_config_->nymvisor.id, "mixnode");
}

TEST_F(CliTest, RunAcceptsTheConfiguredDaemonArguments) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_EQ(Run({"run", "run", "--id", "mixnode"}), 7) << err_.str();
  ASSERT_TRUE(agent_config_.has_value());
}

TEST_F(CliTest, RunRefusesDaemonArgumentsThatDifferFromTheConfiguredOnes) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_EQ(Run({"run", "run", "--id", "other"}), 1);
  EXPECT_NE(err_.str().find("got daemon arguments 'run --id other' but"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("has daemon.args 'run --id mixnode'"), std::string::npos) << err_.str();
  EXPECT_FALSE(agent_config_.has_value());
}

// The seed's flow: `init <bin>` without arguments, then `run run --id <node>`.
TEST_F(CliTest, RunSavesDaemonArgumentsForAnInstanceWithoutThem) {
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(), node_}), 0)
      << err_.str();
  env_["DAEMON_RESTART_ON_FAILURE"] = "false";
  EXPECT_EQ(Run({"run", "run", "--id", "mixnode"}), 7) << err_.str();
  ASSERT_TRUE(agent_config_.has_value());
  EXPECT_EQ(agent_config_->daemon.args, (std::vector<std::string>{"run", "--id", "mixnode"}));
  std::string file = testing::ReadFileOrDie(dir_ / "etc/mixnode.toml");
  EXPECT_NE(file.find("'run'"), std::string::npos) << file;
  EXPECT_NE(file.find("restart_on_failure = true"), std::string::npos)
      << "the environment's overrides stay out of the file\n"
      << file;
  agent_config_.reset();
  EXPECT_EQ(Run({"run"}), 7) << "the saved arguments are the instance's from now on";
  EXPECT_EQ(agent_config_->daemon.args.size(), 3u);
}

TEST_F(CliTest, RefuseStartSaysWhyAndFails) {
  env_["NYMVISOR_BLOCKED_REASON"] = "daemon.user: contains a control character";
  EXPECT_EQ(Run({"refuse-start", "mixnode"}), 1);
  EXPECT_NE(err_.str().find("instance 'mixnode' is not started: its config cannot be used "
                            "(daemon.user: contains a control character)"),
            std::string::npos)
      << err_.str();
  env_.erase("NYMVISOR_BLOCKED_REASON");
  WriteFile(dir_ / "etc/mixnode.toml", "[daemon]\nhome = 5\n");
  EXPECT_EQ(Run({"refuse-start", "mixnode"}), 1);
  EXPECT_NE(err_.str().find("mixnode.toml"), std::string::npos) << "read again: " << err_.str();
}

}  // namespace
}  // namespace nymvisor
