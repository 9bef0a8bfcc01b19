#include "agent/cli/cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/decide/upgrade_state.h"
#include "agent/records/node_down.h"
#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

using testing::FakeClock;
using testing::StampFakeNode;
using testing::TempDir;
using testing::WriteFile;

using CliTest = testing::CliFixture;

TEST_F(CliTest, InitReloadsSystemdSoTheGeneratorAppliesTheConfig) {
  reload_result_ = Status();
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_EQ(reloads_, 1);
  EXPECT_NE(err_.str().find("systemd reloaded: nymvisor-daemon@mixnode.service runs the node as"),
            std::string::npos)
      << err_.str();
  reload_result_ = Status::Error("Reload: org.freedesktop.DBus.Error.AccessDenied: denied");
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_NE(err_.str().find("warning: Reload: org.freedesktop.DBus.Error.AccessDenied"),
            std::string::npos);
}

TEST_F(CliTest, InitWithAConfigOutsideEtcExplainsHowUnitsFindIt) {
  env_["NYMVISOR_CONFIG_PATH"] = (dir_ / "elsewhere.toml").string();
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_NE(err_.str().find("set NYMVISOR_CONFIG_PATH=" + (dir_ / "elsewhere.toml").string() +
                            " in " + (dir_ / "etc/mixnode.env").string()),
            std::string::npos)
      << err_.str();
}

TEST_F(CliTest, InitThenConfigShowsTheInstance) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_NE(err_.str().find("config written to " + (dir_ / "etc/mixnode.toml").string()),
            std::string::npos);
  EXPECT_NE(out_.str().find("daemon args:                       run --id mixnode"),
            std::string::npos);
  env_["NYMVISOR_ID"] = "mixnode";
  ASSERT_EQ(Run({"config", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["daemon"]["name"], "nym-node");
  EXPECT_EQ(j["daemon"]["unit"], "nymvisor-daemon@mixnode.service");
}

TEST_F(CliTest, RestartOnFailureIsOnByDefaultAndTheFlagTakesAnOptionalValue) {
  std::string home = (dir_ / "home").string();
  auto restart_on_failure = [this](std::vector<std::string> flags) -> std::optional<bool> {
    std::vector<std::string> args = {"init", "--id", "mixnode", "--daemon-home",
                                     (dir_ / "home").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    if (std::find(flags.begin(), flags.end(), node_) == flags.end()) args.push_back(node_);
    if (Run(args) != 0) return std::nullopt;
    if (Run({"config", "--id", "mixnode", "-o", "json"}) != 0) return std::nullopt;
    return (*ParseJson(out_.str()))["daemon"]["restart_on_failure"].get<bool>();
  };
  EXPECT_EQ(restart_on_failure({}), true) << err_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure", "false"}), false) << err_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure"}), true) << "bare: " << err_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure=f"}), false) << err_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure", node_}), true)
      << "a bare flag before the binary leaves the binary alone: " << err_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure", "0", node_, "--", "run",
                                "--restart-daemon-on-failure"}),
            false)
      << err_.str();
  EXPECT_EQ(Run({"config", "--id", "mixnode"}), 0);
  EXPECT_NE(out_.str().find("daemon args:                       run --restart-daemon-on-failure\n"),
            std::string::npos)
      << "the node's own arguments are not touched: " << out_.str();
  EXPECT_EQ(restart_on_failure({"--restart-daemon-on-failure", "maybe", node_}), std::nullopt);
  EXPECT_NE(err_.str().find("error: --restart-daemon-on-failure: 'maybe' is not a boolean"),
            std::string::npos)
      << err_.str();
}

TEST_F(CliTest, UpgradeWindowIsRepeatableAndAnEmptyOneClearsThem) {
  auto windows = [this](std::vector<std::string> flags) -> std::optional<Json> {
    std::vector<std::string> args = {"init", "--id", "mixnode", "--daemon-home",
                                     (dir_ / "home").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(node_);
    if (Run(args) != 0) return std::nullopt;
    if (Run({"config", "--id", "mixnode", "-o", "json"}) != 0) return std::nullopt;
    return (*ParseJson(out_.str()))["nymvisor"]["upgrade_windows"];
  };
  EXPECT_EQ(windows({"--upgrade-window", "Mon..Fri 02:00-04:00", "--upgrade-window",
                     "Sat,Sun 03:00-07:00", "--upgrade-time-zone", "Europe/Berlin"}),
            Json::array({"Mon..Fri 02:00-04:00", "Sat,Sun 03:00-07:00"}))
      << err_.str();
  EXPECT_EQ(windows({"--rollout-spread", "6h"}),
            Json::array({"Mon..Fri 02:00-04:00", "Sat,Sun 03:00-07:00"}))
      << "a re-run keeps them: " << err_.str();
  EXPECT_EQ(windows({"--upgrade-window", ""}), Json::array()) << err_.str();
  EXPECT_EQ(windows({"--upgrade-window", "25:00-26:00"}), std::nullopt);
  EXPECT_NE(err_.str().find("hour 25"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("--upgrade-window"), std::string::npos) << err_.str();
  EXPECT_EQ(windows({"--github-upgrade-delay", "2h"}), Json::array()) << err_.str();
  ASSERT_EQ(Run({"config", "--id", "mixnode", "-o", "json"}), 0);
  EXPECT_EQ((*ParseJson(out_.str()))["nymvisor"]["min_release_age"], "2h")
      << "the older flag sets the new key";
  EXPECT_EQ(windows({"--github-upgrade-delay", "3h", "--min-release-age", "1h"}), std::nullopt)
      << "neither name silently wins";
  EXPECT_NE(err_.str().find("--github-upgrade-delay and --min-release-age both set "
                            "nymvisor.min_release_age"),
            std::string::npos)
      << err_.str();
}

TEST_F(CliTest, ConfigShowsAndWritesUrlsNormalisedAsTheOriginal) {
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-base-upgrade-url", "HTTP://Mirror.EXAMPLE:80/a/../rel", node_}),
            0)
      << err_.str();
  std::string file = testing::ReadFileOrDie(dir_ / "etc/mixnode.toml");
  EXPECT_NE(file.find("upstream_base_upgrade_url = 'http://mirror.example/rel'"), std::string::npos)
      << file;
  ASSERT_EQ(Run({"config", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("upstream base upgrade url:         http://mirror.example/rel\n"),
            std::string::npos)
      << out_.str();
  env_["NYMVISOR_UPSTREAM_BASE_UPGRADE_URL"] = "https://Example.ORG";
  ASSERT_EQ(Run({"config", "--id", "mixnode", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ((*ParseJson(out_.str()))["nymvisor"]["upstream_base_upgrade_url"],
            "https://example.org/");
}

TEST_F(CliTest, InitSaysWhichUpstreamItChoseAndWhy) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_NE(err_.str().find("upstream: github (nymtech/nym, tags nym-binaries-v*): the default "
                            "for a new instance\n"),
            std::string::npos)
      << err_.str();
  env_["NYMVISOR_ID"] = "mixnode";
  ASSERT_EQ(Run({"config", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["nymvisor"]["upstream_source"], "github");
  EXPECT_EQ(j["upstream"]["repository"], "nymtech/nym");
  env_.erase("NYMVISOR_ID");
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-base-upgrade-url", "http://ops:hunter2@127.0.0.1:1/wk/", node_}),
            0)
      << err_.str();
  EXPECT_NE(err_.str().find("upstream: upgrade-info "
                            "http://ops:***@127.0.0.1:1/wk/nym-node/upgrade-info.json: because "
                            "--upstream-base-upgrade-url was given\n"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(err_.str().find("hunter2"), std::string::npos) << err_.str();
  EXPECT_EQ(out_.str().find("hunter2"), std::string::npos) << out_.str();
  EXPECT_NE(testing::ReadFileOrDie(dir_ / "etc/mixnode.toml").find("hunter2"), std::string::npos)
      << "the URL fetched keeps its credentials";
}

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

TEST_F(CliTest, ExecOfAnUnknownInstanceSaysSo) {
  EXPECT_EQ(Run({"exec", "ghost"}), 1);
  EXPECT_NE(err_.str().find("no config for instance 'ghost'"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"exec", "../x"}), 1);
  EXPECT_NE(err_.str().find("invalid instance id"), std::string::npos);
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

TEST_F(CliTest, AdoptTakesTheOriginalsInstanceWithItsHistoryAndQueue) {
  // The original's setup, written as it writes it: its config in $HOME, its
  // data in $HOME/.nym/nymvisors/data/<daemon> (no upgrade_data_directory).
  std::filesystem::path original =
      dir_ / "root/.nym/nymvisors/instances/mixnode/config/config.toml";
  std::filesystem::path data = dir_ / "root/.nym/nymvisors/data/nym-node";
  env_["NYMVISOR_CONFIG_PATH"] = original.string();
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upgrade-data-directory", data.string(), node_}),
            0)
      << err_.str();
  env_.erase("NYMVISOR_CONFIG_PATH");
  std::string text = testing::ReadFileOrDie(original);
  text = std::regex_replace(text, std::regex("upgrade_data_directory = '[^']*'"),
                            "upgrade_data_directory = ''");
  // The original's config has no upstream_source, and always a base URL.
  text = std::regex_replace(text, std::regex("\nupstream_source = '[^']*'"), "");
  ASSERT_NE(text.find("upstream_base_upgrade_url = '"), std::string::npos);
  WriteFile(original, text, 0600);
  std::string plan = testing::ReadFileOrDie(data / "upgrade-plan.json");
  ASSERT_EQ(Run({"adopt", "--", "run", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("as instance 'mixnode': nothing was downloaded or moved"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("To go back: nymvisor adopt --undo --id mixnode"), std::string::npos);
  ASSERT_EQ(Run({"config", "--id", "mixnode", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["nymvisor"]["upgrade_data_directory"], data.string());
  EXPECT_EQ(j["daemon"]["args"], Json::parse(R"(["run","--id","mixnode"])"));
  EXPECT_EQ(j["nymvisor"]["upstream_source"], "upgrade-info") << "an adopted original keeps it";
  EXPECT_EQ(j["upstream"]["source"], "upgrade-info");
  EXPECT_EQ(testing::ReadFileOrDie(data / "upgrade-plan.json"), plan) << "the queue is kept";
  EXPECT_TRUE(std::filesystem::exists(dir_ / "etc/mixnode.adopted"));
  EXPECT_EQ(Run({"adopt", "--", "run"}), 1) << "a second adopt would overwrite ours";
  EXPECT_NE(err_.str().find("is already set up here"), std::string::npos) << err_.str();

  ASSERT_EQ(Run({"adopt", "--undo", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc/mixnode.toml"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "etc/mixnode.toml.undone"));
  EXPECT_TRUE(std::filesystem::exists(original)) << "the original's config is never touched";
  EXPECT_EQ(Run({"adopt", "--undo", "--id", "mixnode"}), 1);
  EXPECT_NE(err_.str().find("was not adopted"), std::string::npos) << err_.str();
}

TEST_F(CliTest, AdoptSaysWhatIsMissing) {
  EXPECT_EQ(Run({"adopt"}), 1);
  EXPECT_NE(err_.str().find("no single instance of the original nymvisor in"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("--daemon-unit"), std::string::npos);
  EXPECT_EQ(Run({"adopt", "--undo"}), 2);
  EXPECT_NE(err_.str().find("adopt --undo needs --id"), std::string::npos);
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

TEST_F(CliTest, InitWithoutArgumentsKeepsTheNodesAndADoubleDashAloneClearsThem) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--backups-to-keep", "5", node_}), 0) << err_.str();
  ASSERT_EQ(Run({"config", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["daemon"]["args"], Json::parse(R"(["run","--id","mixnode"])"));
  EXPECT_EQ(j["daemon"]["backups_to_keep"], 5);
  EXPECT_EQ(j["daemon"]["home"], (dir_ / "home").string());
  ASSERT_EQ(Run({"init", "--id", "mixnode", node_, "--"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("daemon.args changes from 'run --id mixnode' to ''"), std::string::npos)
      << err_.str();
}

TEST_F(CliTest, AnOriginalsIdOutsideTheRuleIsAdoptedUnderTheSuggestedOne) {
  std::filesystem::path original =
      dir_ / "root/.nym/nymvisors/instances/mixnode@fra1/config/config.toml";
  WriteFile(original,
            "[nymvisor]\nid = 'mixnode@fra1'\n[daemon]\nname = 'nym-node'\nhome = '" +
                (dir_ / "home").string() + "'\n",
            0600);
  EXPECT_EQ(Run({"adopt", "--", "run"}), 1);
  EXPECT_NE(err_.str().find("invalid instance id 'mixnode@fra1'"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nymvisor adopt --id mixnode-fra1"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace nymvisor
