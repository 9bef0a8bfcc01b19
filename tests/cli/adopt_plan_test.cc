#include "agent/cli/adopt_plan.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(ParseShownExecStart, TakesTheArgvOfSystemctlShow) {
  auto argv = ParseShownExecStart(
      "{ path=/root/nym-binaries/nym-node ; argv[]=/root/nym-binaries/nym-node run --mode mixnode "
      "--accept-operator-terms-and-conditions ; ignore_errors=no ; start_time=[n/a] ; pid=0 }\n");
  ASSERT_TRUE(argv.ok()) << argv.status().message();
  EXPECT_EQ(*argv, (std::vector<std::string>{"/root/nym-binaries/nym-node", "run", "--mode",
                                             "mixnode", "--accept-operator-terms-and-conditions"}));
  EXPECT_FALSE(ParseShownExecStart("").ok());
}

TEST(OriginalHomeOf, OnlyForTheOriginalsConfigPaths) {
  EXPECT_EQ(OriginalHomeOf("/root/.nym/nymvisors/instances/mixnode/config/config.toml"),
            std::filesystem::path("/root"));
  EXPECT_EQ(OriginalHomeOf("/etc/nymvisor/mixnode.toml"), std::nullopt);
  EXPECT_EQ(OriginalDataDirectory("/root", "nym-node"),
            std::filesystem::path("/root/.nym/nymvisors/data/nym-node"));
}

TEST(NymNodeHome, FollowsItsIdArgument) {
  EXPECT_EQ(NymNodeHome("/root", {"run", "--mode", "mixnode"}),
            std::filesystem::path("/root/.nym/nym-nodes/default-nym-node"));
  EXPECT_EQ(NymNodeHome("/var/lib/nym", {"run", "--id", "fra1"}),
            std::filesystem::path("/var/lib/nym/.nym/nym-nodes/fra1"));
  EXPECT_EQ(NymNodeHome("/var/lib/nym", {"run", "--id=fra2"}),
            std::filesystem::path("/var/lib/nym/.nym/nym-nodes/fra2"));
}

TEST(InitArgumentsFor, WriteTheConfigAsItIs) {
  Config c = DefaultConfig("nym-node");
  c.nymvisor.id = "mixnode";
  c.daemon.home = "/var/lib/nym";
  c.daemon.unsafe_skip_backup = true;
  c.daemon.args = {"run", "--id", "mixnode"};
  std::vector<std::string> args = InitArgumentsFor(c, "/bin/nym-node");
  auto has = [&](const std::vector<std::string>& seq) {
    return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
  };
  EXPECT_EQ(args.front(), "init");
  EXPECT_TRUE(has({"--id", "mixnode"}));
  EXPECT_TRUE(has({"--daemon-home", "/var/lib/nym"}));
  EXPECT_TRUE(has({"--unsafe-skip-backup"}));
  EXPECT_TRUE(has({"--restart-daemon-on-failure", "true"})) << "its value, whatever it is";
  c.daemon.restart_on_failure = false;  // an original's config: kept, not the new default
  args = InitArgumentsFor(c, "/bin/nym-node");
  EXPECT_TRUE(has({"--restart-daemon-on-failure", "false"}));
  EXPECT_TRUE(has({"/bin/nym-node", "--", "run", "--id", "mixnode"}));
}

TEST(ParseShownTimespan, ReadsWhatSystemctlShowPrints) {
  using namespace std::chrono_literals;
  EXPECT_EQ(*ParseShownTimespan("30s"), 30s);
  EXPECT_EQ(*ParseShownTimespan("5min 50s"), 350s);
  EXPECT_EQ(*ParseShownTimespan("1min 30s 100ms"), 90100ms);
  EXPECT_EQ(*ParseShownTimespan("1.500000s"), 1500ms);
  EXPECT_EQ(*ParseShownTimespan("1h 1us"), 1h + 1us);
  EXPECT_EQ(*ParseShownTimespan("1w 2d"), std::chrono::hours(24 * 9));
  EXPECT_EQ(*ParseShownTimespan("0"), 0s);
  for (const char* bad : {"infinity", "", "30", "s", "30 s", "1x", "1..5s", "99999999999y"}) {
    EXPECT_FALSE(ParseShownTimespan(bad).ok()) << "'" << bad << "'";
  }
}

UnitRestartSettings AnsibleUnit() {
  // Nym's playbook: Restart=on-failure, RestartSec=30, StartLimitBurst=10,
  // StartLimitIntervalSec=350, no TimeoutStopSec= (systemd's 90s).
  return {"on-failure", "30s", "10", "5min 50s", "1min 30s"};
}

TEST(KeepUnitRestartSettings, TheAnsibleUnitsSettingsBecomeTheKeys) {
  using namespace std::chrono_literals;
  Config c = DefaultConfig("nym-node");
  c.daemon.restart_on_failure = false;
  ASSERT_TRUE(KeepUnitRestartSettings(AnsibleUnit(), "nym-node.service", &c).ok());
  EXPECT_TRUE(c.daemon.restart_on_failure);
  EXPECT_EQ(c.daemon.failure_restart_delay, 30s);
  EXPECT_EQ(c.daemon.max_startup_failures, 10u);
  EXPECT_EQ(c.daemon.startup_period_duration, 350s);
  EXPECT_EQ(c.daemon.shutdown_grace_period, 90s);
  EXPECT_EQ(c.daemon.health_check_period, 0s) << "350s: the check follows the startup period";
  UnitRestartSettings no = AnsibleUnit();
  no.restart = "no";
  ASSERT_TRUE(KeepUnitRestartSettings(no, "nym-node.service", &c).ok());
  EXPECT_FALSE(c.daemon.restart_on_failure);
}

TEST(KeepUnitRestartSettings, SystemdsDefaultsKeepTheHealthCheckAtItsDefault) {
  using namespace std::chrono_literals;
  Config c = DefaultConfig("nym-node");
  ASSERT_TRUE(
      KeepUnitRestartSettings({"no", "100ms", "5", "10s", "1min 30s"}, "n.service", &c).ok());
  EXPECT_EQ(c.daemon.failure_restart_delay, 100ms);
  EXPECT_EQ(c.daemon.startup_period_duration, 10s);
  EXPECT_EQ(c.daemon.health_check_period, 120s) << "a 10s start limit does not shorten it";
  ASSERT_TRUE(KeepUnitRestartSettings({"no", "0", "5", "0", "10s"}, "n.service", &c).ok());
  EXPECT_EQ(c.daemon.max_startup_failures, UINT32_MAX) << "StartLimitIntervalSec=0: no limit";
}

TEST(KeepUnitRestartSettings, WhatNoKeyHoldsIsRefusedNamingTheSetting) {
  for (auto [shown, expected] :
       {std::pair{UnitRestartSettings{"always", "30s", "10", "5min 50s", "1min 30s"},
                  "nym-node.service has Restart=always, which nymvisor cannot keep"},
        std::pair{UnitRestartSettings{"on-failure", "30s", "10", "5min 50s", "infinity"},
                  "has TimeoutStopSec=infinity"},
        std::pair{UnitRestartSettings{"on-failure", "30s", "10", "infinity", "10s"},
                  "has StartLimitIntervalSec=infinity"}}) {
    Config c = DefaultConfig("nym-node");
    Status st = KeepUnitRestartSettings(shown, "nym-node.service", &c);
    ASSERT_FALSE(st.ok()) << expected;
    EXPECT_NE(st.message().find(expected), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("systemctl edit nym-node.service"), std::string::npos);
  }
}

TEST(AdoptRecord, RoundTrips) {
  AdoptRecord r{"unit", "nym-node.service", "/etc/nymvisor/nym-node.toml",
                "/root/nym-binaries/nym-node", "nym-node.service"};
  auto parsed = ParseAdoptRecord(FormatAdoptRecord(r));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, r);
}

}  // namespace
}  // namespace nymvisor
