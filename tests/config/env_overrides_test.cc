#include "agent/config/env_overrides.h"

#include <gtest/gtest.h>

#include <set>

#include "agent/config/config_keys.h"
#include "tests/support/config_builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

Config Base() { return testing::NodeConfig("/from/file"); }

TEST(KnownEnvVars, AreTheOriginalNineteenAndOurs) {
  std::vector<std::string_view> names = KnownEnvVars();
  // NYMVISOR_CONFIG_PATH, then every key's variable once (the key table
  // says which keys have one; ConfigKeyTable checks the docs list them).
  size_t with_variable = 0;
  for (const ConfigKey& key : AllConfigKeys()) {
    with_variable += key.env_var.empty() ? 0 : 1;
    with_variable += key.alias.env_var.empty() ? 0 : 1;  // an older name, still read
  }
  EXPECT_EQ(names.size(), with_variable + 1);
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), names.size());
  EXPECT_NE(std::find(names.begin(), names.end(), "NYMVISOR_UPSTREAM_SOURCE"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "NYMVISOR_TRUSTED_KEYS"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "NYMVISOR_REQUIRE_SIGNATURE"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "NYMVISOR_METRICS_TEXTFILE"), names.end());
  for (const char* name :
       {"NYMVISOR_ID", "NYMVISOR_CONFIG_PATH", "NYMVISOR_UPSTREAM_BASE_UPGRADE_URL",
        "NYMVISOR_UPSTREAM_POLLING_RATE", "NYMVISOR_DISABLE_LOGS",
        "NYMVISOR_UPGRADE_DATA_DIRECTORY", "DAEMON_NAME", "DAEMON_HOME",
        "DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", "DAEMON_ALLOW_BINARIES_DOWNLOAD",
        "DAEMON_ENFORCE_DOWNLOAD_CHECKSUM", "DAEMON_RESTART_AFTER_UPGRADE",
        "DAEMON_RESTART_ON_FAILURE", "DAEMON_FAILURE_RESTART_DELAY", "DAEMON_MAX_STARTUP_FAILURES",
        "DAEMON_STARTUP_PERIOD_DURATION", "DAEMON_SHUTDOWN_GRACE_PERIOD",
        "DAEMON_BACKUP_DATA_DIRECTORY", "DAEMON_UNSAFE_SKIP_BACKUP"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(ApplyEnvOverrides, EveryVariableOverridesItsKey) {
  Config c = Base();
  ASSERT_TRUE(ApplyEnvOverrides(
                  EnvFromMap({{"NYMVISOR_ID", "env-id"},
                              {"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "http://127.0.0.1:1/"},
                              {"NYMVISOR_UPSTREAM_POLLING_RATE", "1h30m"},
                              {"NYMVISOR_DISABLE_LOGS", "T"},
                              {"NYMVISOR_UPGRADE_DATA_DIRECTORY", "/data"},
                              {"DAEMON_NAME", "nym-gateway"},
                              {"DAEMON_HOME", "/env/home"},
                              {"DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", "https://127.0.0.1/x.json"},
                              {"DAEMON_ALLOW_BINARIES_DOWNLOAD", "0"},
                              {"DAEMON_ENFORCE_DOWNLOAD_CHECKSUM", "false"},
                              {"DAEMON_RESTART_AFTER_UPGRADE", "F"},
                              {"DAEMON_RESTART_ON_FAILURE", "F"},
                              {"DAEMON_FAILURE_RESTART_DELAY", "5s"},
                              {"DAEMON_MAX_STARTUP_FAILURES", "3"},
                              {"DAEMON_STARTUP_PERIOD_DURATION", "90s"},
                              {"DAEMON_SHUTDOWN_GRACE_PERIOD", "1m"},
                              {"DAEMON_BACKUP_DATA_DIRECTORY", "/backups"},
                              {"DAEMON_UNSAFE_SKIP_BACKUP", "1"},
                              {"NYMVISOR_TRUSTED_KEYS", "RWkey1, RWkey2 RWkey3"},
                              {"NYMVISOR_REQUIRE_SIGNATURE", "true"}}),
                  &c)
                  .ok());
  EXPECT_EQ(c.nymvisor.id, "env-id");
  EXPECT_EQ(c.nymvisor.upstream_base_upgrade_url, "http://127.0.0.1:1/");
  EXPECT_EQ(c.nymvisor.upstream_polling_rate, std::chrono::minutes(90));
  EXPECT_TRUE(c.nymvisor.disable_logs);
  EXPECT_EQ(c.nymvisor.upgrade_data_directory, "/data");
  EXPECT_EQ(c.daemon.name, "nym-gateway");
  EXPECT_EQ(c.daemon.home, "/env/home");
  EXPECT_EQ(c.daemon.absolute_upstream_upgrade_url, "https://127.0.0.1/x.json");
  EXPECT_FALSE(c.daemon.allow_binaries_download);
  EXPECT_FALSE(c.daemon.enforce_download_checksum);
  EXPECT_FALSE(c.daemon.restart_after_upgrade);
  EXPECT_FALSE(c.daemon.restart_on_failure) << "F turns the default (true) off";
  EXPECT_EQ(c.daemon.failure_restart_delay, std::chrono::seconds(5));
  EXPECT_EQ(c.daemon.max_startup_failures, 3u);
  EXPECT_EQ(c.daemon.startup_period_duration, std::chrono::seconds(90));
  EXPECT_EQ(c.daemon.shutdown_grace_period, std::chrono::minutes(1));
  EXPECT_EQ(c.daemon.backup_data_directory, "/backups");
  EXPECT_TRUE(c.daemon.unsafe_skip_backup);
  EXPECT_EQ(c.nymvisor.trusted_keys, (std::vector<std::string>{"RWkey1", "RWkey2", "RWkey3"}));
  EXPECT_TRUE(c.nymvisor.require_signature);
}

TEST(ApplyEnvOverrides, AnOlderNameSetsTheKeyAndMayNotDisagreeWithTheNewOne) {
  Config c = Base();
  ASSERT_TRUE(ApplyEnvOverrides(EnvFromMap({{"NYMVISOR_GITHUB_UPGRADE_DELAY", "2h"}}), &c).ok());
  EXPECT_EQ(c.nymvisor.min_release_age, std::chrono::hours(2));
  Status both = ApplyEnvOverrides(
      EnvFromMap({{"NYMVISOR_GITHUB_UPGRADE_DELAY", "2h"}, {"NYMVISOR_MIN_RELEASE_AGE", "1h"}}),
      &c);
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.message().find("NYMVISOR_GITHUB_UPGRADE_DELAY"), std::string::npos);
  EXPECT_NE(both.message().find("NYMVISOR_MIN_RELEASE_AGE"), std::string::npos);
}

TEST(ApplyEnvOverrides, UpgradeWindowsAreSeparatedBySemicolons) {
  Config c = Base();
  ASSERT_TRUE(ApplyEnvOverrides(EnvFromMap({{"NYMVISOR_UPGRADE_WINDOWS",
                                             "Mon..Fri 02:00-04:00; Sat,Sun 03:00-05:00"}}),
                                &c)
                  .ok());
  EXPECT_EQ(c.nymvisor.upgrade_windows,
            (std::vector<std::string>{"Mon..Fri 02:00-04:00", "Sat,Sun 03:00-05:00"}));
  ASSERT_TRUE(ApplyEnvOverrides(EnvFromMap({{"NYMVISOR_UPGRADE_WINDOWS", ""}}), &c).ok());
  EXPECT_TRUE(c.nymvisor.upgrade_windows.empty());
}

TEST(ApplyEnvOverrides, UnsetVariablesLeaveTheFileValues) {
  Config c = Base();
  ASSERT_TRUE(ApplyEnvOverrides(EnvFromMap({}), &c).ok());
  EXPECT_EQ(c, Base());
}

TEST(ApplyEnvOverrides, EmptyPathStaysEmptyRatherThanUnset) {
  Config c = Base();
  c.daemon.backup_data_directory = "/file/backups";
  ASSERT_TRUE(ApplyEnvOverrides(EnvFromMap({{"DAEMON_BACKUP_DATA_DIRECTORY", ""}}), &c).ok());
  EXPECT_EQ(c.daemon.backup_data_directory, "");
}

TEST(ApplyEnvOverrides, InvalidValuesNameTheVariable) {
  struct Case {
    const char* name;
    const char* value;
  };
  for (const Case& c :
       {Case{"DAEMON_RESTART_ON_FAILURE", "yes"}, Case{"NYMVISOR_DISABLE_LOGS", ""},
        Case{"DAEMON_MAX_STARTUP_FAILURES", "-1"}, Case{"DAEMON_MAX_STARTUP_FAILURES", "3.5"},
        Case{"DAEMON_MAX_STARTUP_FAILURES", "18446744073709551616"},  // 2^64: past a usize
        Case{"DAEMON_FAILURE_RESTART_DELAY", "10"}, Case{"NYMVISOR_UPSTREAM_POLLING_RATE", "soon"},
        Case{"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "not a url"}}) {
    Config config = Base();
    Status st = ApplyEnvOverrides(EnvFromMap({{c.name, c.value}}), &config);
    ASSERT_FALSE(st.ok()) << c.name << "=" << c.value;
    EXPECT_EQ(st.message().rfind(std::string("environment variable ") + c.name + ": ", 0), 0u)
        << st.message();
  }
}

}  // namespace
}  // namespace nymvisor
