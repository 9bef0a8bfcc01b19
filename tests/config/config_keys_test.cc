#include "agent/config/config_keys.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace nymvisor {
namespace {

TEST(ConfigKeys, InitFlagsKeepTheOriginalNames) {
  // The original's `init` flags (nymvisor-rust-behaviour.md 1.1) and ours.
  const std::map<std::string, std::string> expected = {
      {"--id", "nymvisor.id"},
      {"--upstream-base-upgrade-url", "nymvisor.upstream_base_upgrade_url"},
      {"--upstream-polling-rate", "nymvisor.upstream_polling_rate"},
      {"--disable-nymvisor-logs", "nymvisor.disable_logs"},
      {"--upgrade-data-directory", "nymvisor.upgrade_data_directory"},
      {"--metrics-textfile", "nymvisor.metrics_textfile"},
      {"--daemon-home", "daemon.home"},
      {"--daemon-absolute-upstream-upgrade-url", "daemon.absolute_upstream_upgrade_url"},
      {"--allow-download-upgrade-binaries", "daemon.allow_binaries_download"},
      {"--enforce-download-checksum", "daemon.enforce_download_checksum"},
      {"--restart-daemon-after-upgrade", "daemon.restart_after_upgrade"},
      {"--restart-daemon-on-failure", "daemon.restart_on_failure"},
      {"--on-failure-daemon-restart-delay", "daemon.failure_restart_delay"},
      {"--max-daemon-startup-failures", "daemon.max_startup_failures"},
      {"--startup-period-duration", "daemon.startup_period_duration"},
      {"--daemon-shutdown-grace-period", "daemon.shutdown_grace_period"},
      {"--daemon-backup-data-directory", "daemon.backup_data_directory"},
      {"--unsafe-skip-backup", "daemon.unsafe_skip_backup"},
      {"--daemon-unit", "daemon.unit"},
      {"--daemon-user", "daemon.user"},
      {"--backups-to-keep", "daemon.backups_to_keep"},
      {"--max-download-size-mib", "daemon.max_download_size_mib"},
      {"--health-check-period", "daemon.health_check_period"},
      {"--trusted-keys", "nymvisor.trusted_keys"},
      {"--require-signature", "nymvisor.require_signature"},
      {"--upstream-source", "nymvisor.upstream_source"},
      {"--github-repository", "nymvisor.github_repository"},
      {"--github-tag-prefix", "nymvisor.github_tag_prefix"},
      {"--github-api-url", "nymvisor.github_api_url"},
      {"--busy-check", "daemon.busy_check"},
      {"--busy-deadline", "daemon.busy_deadline"},
      {"--pre-upgrade-command", "daemon.pre_upgrade_command"},
      {"--post-upgrade-command", "daemon.post_upgrade_command"},
      {"--health-check-url", "daemon.health_check_url"},
      {"--build-info-url", "daemon.build_info_url"},
      {"--min-release-age", "nymvisor.min_release_age"},
      {"--upgrade-window", "nymvisor.upgrade_windows"},
      {"--upgrade-time-zone", "nymvisor.upgrade_time_zone"},
      {"--rollout-spread", "nymvisor.rollout_spread"},
      {"--fleet-endpoints", "nymvisor.fleet_endpoints"},
      {"--fleet-group", "nymvisor.fleet_group"},
      {"--fleet-max-unavailable", "nymvisor.fleet_max_unavailable"},
      {"--fleet-canary", "nymvisor.fleet_canary"},
      {"--fleet-soak", "nymvisor.fleet_soak"},
      {"--fleet-ca-file", "nymvisor.fleet_ca_file"},
      {"--fleet-cert-file", "nymvisor.fleet_cert_file"},
      {"--fleet-key-file", "nymvisor.fleet_key_file"},
      {"--fleet-credential", "nymvisor.fleet_credential"},
      {"--fleet-on-unreachable", "nymvisor.fleet_on_unreachable"},
  };
  std::map<std::string, std::string> actual;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.init.name.empty()) continue;
    EXPECT_TRUE(actual.emplace(std::string(key.init.name), key.FullName()).second)
        << key.init.name << " is used twice";
    EXPECT_FALSE(key.init.help.empty()) << key.init.name;
    EXPECT_EQ(FindKeyByInitFlag(key.init.name), &key);
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(FindKeyByInitFlag("--bogus"), nullptr);
  EXPECT_EQ(FindKeyByInitFlag("--github-upgrade-delay"),
            FindConfigKey("nymvisor", "min_release_age"))
      << "the older name still sets the key";
}

TEST(ConfigKeys, OnlyBoolsAreBareTheOriginalsAndRequireSignature) {
  std::set<std::string> bare;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.init.bare()) continue;
    EXPECT_EQ(key.kind, ValueKind::kBool) << key.init.name;
    bare.insert(std::string(key.init.name));
  }
  EXPECT_EQ(bare, (std::set<std::string>{"--disable-nymvisor-logs", "--unsafe-skip-backup",
                                         "--require-signature", "--fleet-canary"}));
}

TEST(ConfigKeys, RestartOnFailureDefaultsToTrueAndItsFlagCanTurnItOff) {
  // The seed documents DAEMON_RESTART_ON_FAILURE as true (the original's code
  // says false): a bare flag that only sets true could not change anything.
  EXPECT_TRUE(DefaultConfig("nym-node").daemon.restart_on_failure);
  const ConfigKey* key = FindKeyByInitFlag("--restart-daemon-on-failure");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->init.form, FlagForm::kOptionalValue);
  Config c;
  ASSERT_TRUE(SetFromText(*key, "false", &c).ok());
  EXPECT_FALSE(c.daemon.restart_on_failure);
}

TEST(ConfigKeys, CountsParseAsTheOriginalsUsizeDoes) {
  const ConfigKey& key = *FindConfigKey("daemon", "max_startup_failures");
  Config c;
  ASSERT_TRUE(SetFromText(key, "+5", &c).ok()) << "Rust's integer parsing takes a leading '+'";
  EXPECT_EQ(c.daemon.max_startup_failures, 5u);
  ASSERT_TRUE(SetFromText(key, "4294967296", &c).ok()) << "a usize on 64-bit: above 2^32";
  EXPECT_EQ(c.daemon.max_startup_failures, 4294967296u);
  ASSERT_TRUE(SetFromText(key, "18446744073709551615", &c).ok());
  EXPECT_EQ(c.daemon.max_startup_failures, UINT64_MAX);
  EXPECT_EQ(ValueAsText(key, c), "18446744073709551615");
  for (const char* bad : {"", "+", "-1", "5x", " 5", "18446744073709551616", "++5", "0x10"}) {
    EXPECT_FALSE(SetFromText(key, bad, &c).ok()) << "'" << bad << "'";
  }
}

TEST(ConfigKeys, UrlsAreKeptNormalisedAsTheOriginalShowsThem) {
  const ConfigKey& key = *FindConfigKey("nymvisor", "upstream_base_upgrade_url");
  Config c;
  ASSERT_TRUE(SetFromText(key, "HTTPS://Nymtech.NET:443/a/../.wellknown", &c).ok());
  EXPECT_EQ(c.nymvisor.upstream_base_upgrade_url, "https://nymtech.net/.wellknown");
  c.nymvisor.upstream_base_upgrade_url = "http://EXAMPLE.com";  // as a default would be
  EXPECT_EQ(ValueAsText(key, c), "http://example.com/");
  const ConfigKey& absolute = *FindConfigKey("daemon", "absolute_upstream_upgrade_url");
  ASSERT_TRUE(SetFromText(absolute, "", &c).ok());
  EXPECT_EQ(ValueAsText(absolute, c), "") << "unset stays unset";
  EXPECT_FALSE(SetFromText(key, "ftp://example.com/", &c).ok());
}

TEST(ConfigKeys, TypeNamesForHelp) {
  EXPECT_EQ(ValueTypeName(ValueKind::kDuration), "DURATION");
  EXPECT_EQ(ValueTypeName(ValueKind::kBool), "true|false");
  EXPECT_EQ(ValueTypeName(ValueKind::kCount), "COUNT");
  EXPECT_EQ(ValueTypeName(ValueKind::kUrl), "URL");
  EXPECT_EQ(ValueTypeName(ValueKind::kPath), "PATH");
}

}  // namespace
}  // namespace nymvisor
