#include "agent/config/config_checks.h"

#include <gtest/gtest.h>

#include "agent/config/config_keys.h"
#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

Config Valid() { return testing::NodeConfig("/var/lib/nym/node"); }

TEST(ConfigChecks, EveryKeyAcceptsTheDefaults) {
  for (const ConfigKey& key : AllConfigKeys()) {
    Status st = key.check(Valid());
    EXPECT_TRUE(st.ok()) << key.FullName() << ": " << st.message();
  }
}

TEST(ConfigChecks, EachErrorNamesItsKeySoInitCanNameTheFlag) {
  // One bad value per checked key; the error must lead with the key, as
  // KeyOfError (and init's "--flag: ...") reads it.
  std::vector<std::pair<std::string, void (*)(Config&)>> bad = {
      {"nymvisor.id", [](Config& c) { c.nymvisor.id = ".x"; }},
      {"nymvisor.upstream_polling_rate", [](Config& c) { c.nymvisor.upstream_polling_rate = 1s; }},
      {"nymvisor.metrics_textfile", [](Config& c) { c.nymvisor.metrics_textfile = "m.txt"; }},
      {"nymvisor.upstream_source", [](Config& c) { c.nymvisor.upstream_source = "ftp"; }},
      {"daemon.home", [](Config& c) { c.daemon.home = "/etc"; }},
      {"daemon.user", [](Config& c) { c.daemon.user = "a b"; }},
      {"daemon.max_download_size_mib", [](Config& c) { c.daemon.max_download_size_mib = 0; }},
      {"daemon.health_check_period",
       [](Config& c) { c.daemon.health_check_period = std::chrono::milliseconds(500); }},
      {"daemon.busy_check", [](Config& c) { c.daemon.busy_check = "curl http://127.0.0.1/"; }},
      {"daemon.busy_deadline", [](Config& c) { c.daemon.busy_deadline = Duration::zero(); }},
      {"daemon.pre_upgrade_command",
       [](Config& c) { c.daemon.pre_upgrade_command = "/bin/echo $HOME"; }},
      {"daemon.post_upgrade_command",
       [](Config& c) { c.daemon.post_upgrade_command = "/bin/echo 'open"; }},
      {"daemon.health_check_url",
       [](Config& c) { c.daemon.health_check_url = "http://node.example/api/v1/health"; }},
      {"daemon.build_info_url",
       [](Config& c) { c.daemon.build_info_url = "http://u:p@127.0.0.1:8080/"; }},
      {"nymvisor.upgrade_windows", [](Config& c) { c.nymvisor.upgrade_windows = {"25:00-26:00"}; }},
      {"nymvisor.upgrade_time_zone",
       [](Config& c) { c.nymvisor.upgrade_time_zone = "Europe/Berln"; }},
  };
  for (const auto& [name, spoil] : bad) {
    Config c = Valid();
    spoil(c);
    size_t dot = name.find('.');
    const ConfigKey* key = FindConfigKey(name.substr(0, dot), name.substr(dot + 1));
    ASSERT_NE(key, nullptr) << name;
    Status st = key->check(c);
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_EQ(KeyOfError(st), key) << st.message();
  }
}

TEST(ConfigChecks, ACommandThatCannotBeSplitIsRefusedSayingWhy) {
  Config c = Valid();
  c.daemon.busy_check = "/bin/sh -c 'exit 1'";
  EXPECT_TRUE(CheckBusyCheck(c).ok()) << CheckBusyCheck(c).message();
  c.daemon.pre_upgrade_command = "check-disk --min 5G";
  Status st = CheckPreUpgradeCommand(c);
  EXPECT_EQ(st.message(),
            "daemon.pre_upgrade_command: 'check-disk' is not an absolute path; name the program "
            "in full, e.g. /usr/bin/curl (in 'check-disk --min 5G')");
}

TEST(ConfigChecks, AWindowMustHoldTheStopTheStartAndTheHealthPeriod) {
  Config c = Valid();
  c.daemon.shutdown_grace_period = std::chrono::seconds(10);
  c.daemon.health_check_period = std::chrono::seconds(80);  // needs 2 min in all
  c.nymvisor.upgrade_windows = {"Mon..Fri 02:00-02:02", "Sat 23:59-00:01"};
  EXPECT_TRUE(CheckUpgradeWindows(c).ok()) << CheckUpgradeWindows(c).message();
  c.nymvisor.upgrade_windows = {"02:00-02:01"};
  Status st = CheckUpgradeWindows(c);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'02:00-02:01' is shorter than an upgrade needs (2m"),
            std::string::npos)
      << st.message();
  c.nymvisor.upgrade_windows = {"Mno 02:00-04:00"};
  EXPECT_NE(CheckUpgradeWindows(c).message().find("unknown day 'Mno'"), std::string::npos);
}

TEST(ConfigChecks, TheTimeZoneIsUtcLocaltimeOrOneTzdataKnows) {
  Config c = Valid();
  for (const char* zone : {"UTC", "localtime", "Europe/Berlin", "America/New_York"}) {
    c.nymvisor.upgrade_time_zone = zone;
    EXPECT_TRUE(CheckUpgradeTimeZone(c).ok()) << zone;
  }
  c.nymvisor.upgrade_time_zone = "Mars/Olympus";
  Status st = CheckUpgradeTimeZone(c);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nymvisor.upgrade_time_zone: unknown time zone 'Mars/Olympus'"),
            std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace nymvisor
