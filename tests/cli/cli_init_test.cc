// `nymvisor init` and `config` through the whole command line: what init
// writes and says, and how its flags read.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "agent/cli/cli.h"
#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

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

}  // namespace
}  // namespace nymvisor
