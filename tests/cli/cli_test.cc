#include "agent/cli/cli.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

using testing::StampFakeNode;
using testing::WriteFile;

using CliTest = testing::CliFixture;

TEST_F(CliTest, ErrorsShowNoCredentials) {
  EXPECT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-base-upgrade-url", "ftp://ops:hunter2@127.0.0.1/", node_}),
            2);
  EXPECT_NE(err_.str().find("error: "), std::string::npos);
  EXPECT_EQ(err_.str().find("hunter2"), std::string::npos) << err_.str();
}

TEST_F(CliTest, ConfigUsesTheSingletonInstance) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  ASSERT_EQ(Run({"config"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("id:                                mixnode"), std::string::npos);
}

TEST_F(CliTest, EnvironmentOverridesTheConfigFile) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["DAEMON_FAILURE_RESTART_DELAY"] = "42s";
  ASSERT_EQ(Run({"config", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["daemon"]["failure_restart_delay"], "42s");
}

TEST_F(CliTest, EnvFileOverridesTheEnvironment) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["DAEMON_FAILURE_RESTART_DELAY"] = "42s";
  WriteFile(dir_ / "vars.env", "DAEMON_FAILURE_RESTART_DELAY=7s\n");
  ASSERT_EQ(Run({"-c", (dir_ / "vars.env").string(), "config", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["daemon"]["failure_restart_delay"], "7s");
}

TEST_F(CliTest, MissingOrBadEnvFileIsFatal) {
  EXPECT_EQ(Run({"-c", (dir_ / "missing.env").string(), "build-info"}), 1);
  EXPECT_NE(err_.str().find("error: --config-env-file"), std::string::npos);
  WriteFile(dir_ / "bad.env", "no equals sign\n");
  EXPECT_EQ(Run({"-c", (dir_ / "bad.env").string(), "build-info"}), 1);
  EXPECT_NE(err_.str().find("bad.env:1"), std::string::npos);
}

TEST_F(CliTest, HelpIsACommandToo) {
  EXPECT_EQ(Run({"help"}), 0);
  EXPECT_NE(out_.str().find("add-upgrade"), std::string::npos) << out_.str();
}

TEST_F(CliTest, BadFlagValuesNameTheFlag) {
  EXPECT_EQ(Run({"init", "--daemon-home", "/h", "--upstream-polling-rate", "often", node_}), 2);
  EXPECT_NE(err_.str().find("error: --upstream-polling-rate: invalid duration 'often'"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"init", "--daemon-home", "/h", "--enforce-download-checksum", "maybe", node_}), 2);
  EXPECT_NE(err_.str().find("--enforce-download-checksum"), std::string::npos);
  EXPECT_EQ(Run({"init", "--daemon-home", "/h", "--max-daemon-startup-failures", "-2", node_}), 2);
  EXPECT_NE(err_.str().find("--max-daemon-startup-failures"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsNameWhatIsWrongAndShowTheUsage) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
    std::string usage;
  };
  const Case cases[] = {
      {{"init"},
       "error: nymvisor init: DAEMON_BINARY is required: the node's executable (a re-run takes "
       "the one the instance was initialised with again)",
       "Usage: nymvisor init [OPTIONS] DAEMON_BINARY"},
      {{"add-upgrade", "/bin/true"},
       "error: nymvisor add-upgrade: --upgrade-name is required",
       "Usage: nymvisor add-upgrade [OPTIONS] DAEMON_BINARY"},
      {{"--bogus"},
       "error: unknown option '--bogus' before the command",
       "Usage: nymvisor [OPTIONS] SUBCOMMAND"},
      {{"status", "--bogus"},
       "error: nymvisor status: unknown option '--bogus'",
       "Usage: nymvisor status [OPTIONS]"},
      {{"status", "extra"},
       "error: nymvisor status: unexpected argument 'extra'",
       "Usage: nymvisor status"},
      {{"config", "-o=yaml"},
       "error: nymvisor config: --output: yaml not in {text,json}",
       "Usage: nymvisor config"},
      {{}, "error: no command given", "The commands are init, add-upgrade"},
      {{"frobnicate"}, "error: unknown command 'frobnicate'; the commands are init", ""},
      {{"--id", "mixnode", "frobnicate"}, "error: unknown command 'frobnicate'", ""},
  };
  for (const Case& c : cases) {
    err_.str("");
    EXPECT_EQ(Run(c.args), 2) << c.says;
    EXPECT_NE(err_.str().find(c.says), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find(c.usage), std::string::npos) << err_.str();
    EXPECT_EQ(err_.str().find("refuse-start"), std::string::npos) << "internal: not listed";
  }
}

TEST_F(CliTest, HelpNamesACommandAndShortOptionsTakeEquals) {
  EXPECT_EQ(Run({"help", "init"}), 0);
  EXPECT_NE(out_.str().find("Usage: nymvisor init [OPTIONS] DAEMON_BINARY"), std::string::npos)
      << out_.str();
  EXPECT_EQ(Run({"help", "nope"}), 2);
  EXPECT_NE(err_.str().find("unknown command 'nope'"), std::string::npos);
  out_.str("");
  ASSERT_EQ(Run({"build-info", "-o=json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["binary_name"], "nymvisor");
}

TEST_F(CliTest, IdPicksTheInstanceOnEveryCommand) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  for (const char* cmd : {"config", "daemon-build-info", "add-upgrade", "run", "status"}) {
    out_.str("");
    ASSERT_EQ(Run({cmd, "--help"}), 0) << cmd;
    EXPECT_NE(out_.str().find("--id TEXT"), std::string::npos) << cmd;
    EXPECT_NE(out_.str().find("$NYMVISOR_ID"), std::string::npos) << cmd;
  }
  out_.str("");
  ASSERT_EQ(Run({"config", "--id", "mixnode", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["nymvisor"]["id"], "mixnode");
  EXPECT_EQ(Run({"config", "--id", "other"}), 1);
  EXPECT_NE(err_.str().find("other"), std::string::npos) << err_.str();
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_NE(err_.str().find("unknown command 'frobnicate'"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"init"}), 2);
  EXPECT_EQ(Run({"config", "-o", "yaml"}), 2);
  EXPECT_EQ(Run({"add-upgrade", node_, "--upgrade-name", "x", "--upgrade-delay", "250y"}), 2);
  EXPECT_NE(err_.str().find("--upgrade-delay: at most 100 years"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"add-upgrade", node_, "--upgrade-name", "x", "--now", "--upgrade-delay", "1m"}),
            2);
  EXPECT_EQ(Run({"add-upgrade", node_, "--upgrade-name", "x", "--add-binary", "--now"}), 2);
  EXPECT_EQ(Run({"add-upgrade", node_}), 2);
}

TEST_F(CliTest, HelpAndVersionSucceed) {
  EXPECT_EQ(Run({"-V"}), 0);
  EXPECT_EQ(out_.str(), "nymvisor 0.1.0\n");
  out_.str("");
  EXPECT_EQ(Run({"--version"}), 0) << "the long form is the build information, as the original's";
  EXPECT_NE(out_.str().find("Build Version:      0.1.0"), std::string::npos) << out_.str();
  for (const char* cmd :
       {"init", "add-upgrade", "config", "build-info", "daemon-build-info", "exec"}) {
    EXPECT_EQ(Run({cmd, "--help"}), 0) << cmd;
    EXPECT_FALSE(out_.str().empty()) << cmd;
  }
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("add-upgrade"), std::string::npos);
}

TEST_F(CliTest, BuildInfoAndDaemonBuildInfo) {
  ASSERT_EQ(Run({"build-info", "-o", "json"}), 0);
  EXPECT_EQ((*ParseJson(out_.str()))["binary_name"], "nymvisor");
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  ASSERT_EQ(Run({"daemon-build-info", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["build_version"], "1.1.0");
  ASSERT_EQ(Run({"daemon-build-info"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Build Version:      1.1.0"), std::string::npos);
}

TEST_F(CliTest, DaemonBuildInfoExplainsADanglingCurrentLink) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  std::filesystem::path current = dir_ / "home/nymvisor/current";
  std::filesystem::remove(current);
  std::filesystem::create_directory_symlink(dir_ / "home/nymvisor/upgrades/gone", current);
  EXPECT_EQ(Run({"daemon-build-info"}), 1);
  EXPECT_NE(err_.str().find(current.string() + " points at " +
                            (dir_ / "home/nymvisor/upgrades/gone").string()),
            std::string::npos)
      << err_.str();
}

TEST_F(CliTest, AnEmptyConfigPathVariableCountsAsUnset) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["NYMVISOR_CONFIG_PATH"] = "";
  env_["NYMVISOR_ID"] = "mixnode";
  EXPECT_EQ(Run({"config"}), 0) << err_.str();
}

TEST_F(CliTest, AddUpgradeQueuesAnUpgrade) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  std::string v2 = StampFakeNode(dir_ / "dist/v2", {{"version", "1.2.0"}});
  ASSERT_EQ(Run({"add-upgrade", v2, "--upgrade-name", "v2", "--upgrade-delay", "1h"}), 0)
      << err_.str();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "home/nymvisor/upgrades/v2/upgrade-info.json"));
  EXPECT_EQ(Run({"add-upgrade", v2, "--upgrade-name", "../escape"}), 1);
  EXPECT_NE(err_.str().find("invalid upgrade name '../escape'"), std::string::npos);
  EXPECT_EQ(Run({"add-upgrade", v2, "--upgrade-name", "v3", "--upgrade-time", "noon"}), 2);
  EXPECT_NE(err_.str().find("--upgrade-time: invalid RFC 3339 timestamp 'noon'"),
            std::string::npos);
}

TEST_F(CliTest, BrokenConfigNamesFileAndLine) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  WriteFile(dir_ / "etc/mixnode.toml",
            "[nymvisor]\nid = 'mixnode'\n[daemon]\nname = 'nym-node'\nhome = '/h'\n"
            "max_startup_failures = 'many'\n");
  EXPECT_EQ(Run({"config"}), 1);
  EXPECT_NE(err_.str().find("mixnode.toml:6: daemon.max_startup_failures"), std::string::npos)
      << err_.str();
}

TEST_F(CliTest, AnIdThatDisagreesWithTheConfigPathIsRefusedAndNothingRuns) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["NYMVISOR_CONFIG_PATH"] = (dir_ / "etc/mixnode.toml").string();
  EXPECT_EQ(Run({"config", "--id", "gateway"}), kOtherInstanceExit);
  EXPECT_EQ(out_.str(), "") << "mixnode's config is not printed";
  EXPECT_NE(err_.str().find("error: --id asks for instance 'gateway' but NYMVISOR_CONFIG_PATH (" +
                            (dir_ / "etc/mixnode.toml").string() +
                            ") is the config of instance 'mixnode'"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"exec", "nope"}), kOtherInstanceExit);
  EXPECT_TRUE(exec_argv_.empty()) << "mixnode's node is not started";
  EXPECT_NE(err_.str().find("'nymvisor exec nope' asks for instance 'nope'"), std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"status", "--id", "gateway"}), kOtherInstanceExit);
  EXPECT_EQ(Run({"run", "--id", "gateway"}), kOtherInstanceExit);
  EXPECT_FALSE(agent_config_.has_value());
  EXPECT_EQ(Run({"config", "--id", "mixnode"}), 0) << "agreeing names are fine: " << err_.str();
  EXPECT_EQ(Run({"exec", "mixnode"}), 1) << "exec recorded by the test";
  EXPECT_FALSE(exec_argv_.empty());
}

TEST_F(CliTest, AnIdThatDisagreesWithTheIdVariableIsRefused) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  env_["NYMVISOR_ID"] = "mixnode";
  EXPECT_EQ(Run({"config", "--id", "gateway"}), kOtherInstanceExit);
  EXPECT_NE(err_.str().find("unset NYMVISOR_ID"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("or drop --id"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"exec", "gateway"}), kOtherInstanceExit);
  EXPECT_TRUE(exec_argv_.empty());
  EXPECT_EQ(Run({"hold", "--id", "gateway"}), kOtherInstanceExit);
}

TEST_F(CliTest, IdIsAcceptedBeforeTheCommand) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  ASSERT_EQ(Run({"init", "--id", "gateway", "--daemon-home", (dir_ / "gw").string(), node_}), 0)
      << err_.str();
  ASSERT_EQ(Run({"--id", "mixnode", "config", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["nymvisor"]["id"], "mixnode");
  ASSERT_EQ(Run({"--id", "gateway", "status"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("nymvisor@gateway"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"--id", "mixnode", "config", "--id", "gateway"}), kOtherInstanceExit);
  EXPECT_NE(err_.str().find("--id is given twice"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"--id", "gateway", "exec", "mixnode"}), kOtherInstanceExit);
  EXPECT_EQ(Run({"config"}), 1);
  EXPECT_NE(err_.str().find("choose one with --id ID (or set NYMVISOR_ID=ID)"), std::string::npos)
      << err_.str();
}

TEST_F(CliTest, AMistypedOptionIsNamedWithTheOneMeant) {
  EXPECT_EQ(Run({"hold", "--reasn", "x"}), 2);
  EXPECT_NE(err_.str().find("error: nymvisor hold: unknown option '--reasn'; did you mean "
                            "'--reason'?"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"status", "one", "two"}), 2);
  EXPECT_NE(err_.str().find("unexpected argument 'one two'"), std::string::npos) << err_.str();
}

TEST_F(CliTest, ABadTimeoutNamesTheFlag) {
  EXPECT_EQ(Run({"check", "--timeout", "5x"}), 2);
  EXPECT_NE(err_.str().find("error: --timeout: "), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace nymvisor
