#include "agent/config/config.h"

#include <gtest/gtest.h>

#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

Config Valid() { return testing::NodeConfig("/var/lib/nym"); }

TEST(DefaultConfig, MatchesTheOriginalDefaults) {
  Config c = DefaultConfig("nym-node");
  EXPECT_EQ(c.nymvisor.id, "nym-node-default");
  EXPECT_EQ(c.nymvisor.upstream_base_upgrade_url, "https://nymtech.net/.wellknown/");
  EXPECT_EQ(c.nymvisor.upstream_polling_rate, std::chrono::hours(1));
  EXPECT_FALSE(c.nymvisor.disable_logs);
  EXPECT_TRUE(c.daemon.allow_binaries_download);
  EXPECT_TRUE(c.daemon.enforce_download_checksum);
  EXPECT_TRUE(c.daemon.restart_after_upgrade);
  EXPECT_TRUE(c.daemon.restart_on_failure) << "as the seed documents; the original's code: false";
  EXPECT_EQ(c.daemon.failure_restart_delay, std::chrono::seconds(10));
  EXPECT_EQ(c.daemon.max_startup_failures, 10u);
  EXPECT_EQ(c.daemon.startup_period_duration, std::chrono::seconds(120));
  EXPECT_EQ(c.daemon.shutdown_grace_period, std::chrono::seconds(10));
  EXPECT_FALSE(c.daemon.unsafe_skip_backup);
}

TEST(EffectiveUnit, DefaultsToTheTemplateInstance) {
  Config c = Valid();
  c.nymvisor.id = "mixnode";
  EXPECT_EQ(EffectiveUnit(c), "nymvisor-daemon@mixnode.service");
  c.daemon.unit = "nym-node.service";
  EXPECT_EQ(EffectiveUnit(c), "nym-node.service");
}

TEST(HealthCheckPeriod, DefaultsToTheStartupPeriod) {
  Config c = Valid();
  EXPECT_EQ(HealthCheckPeriod(c), std::chrono::seconds(120));
  c.daemon.health_check_period = std::chrono::seconds(30);
  EXPECT_EQ(HealthCheckPeriod(c), std::chrono::seconds(30));
}

TEST(ValidateConfig, AcceptsDefaults) { EXPECT_TRUE(ValidateConfig(Valid()).ok()); }

TEST(ValidateConfig, NamesTheBadKey) {
  struct Case {
    void (*mutate)(Config&);
    const char* expected;
  };
  const Case cases[] = {
      {[](Config& c) { c.nymvisor.upstream_polling_rate = Duration::zero(); },
       "nymvisor.upstream_polling_rate"},
      {[](Config& c) { c.daemon.home = "relative/home"; }, "daemon.home"},
      {[](Config& c) { c.daemon.home = ""; }, "daemon.home"},
      {[](Config& c) { c.daemon.name = ""; }, "daemon.name"},
      {[](Config& c) { c.daemon.name = "a/b"; }, "daemon.name"},
      {[](Config& c) { c.nymvisor.upstream_base_upgrade_url = "ftp://x/"; },
       "nymvisor.upstream_base_upgrade_url"},
      {[](Config& c) { c.daemon.absolute_upstream_upgrade_url = "nonsense"; },
       "daemon.absolute_upstream_upgrade_url"},
      {[](Config& c) { c.daemon.unit = "nym-node"; }, "daemon.unit"},
      {[](Config& c) { c.nymvisor.id = "a/b"; }, "nymvisor.id"},
      {[](Config& c) { c.nymvisor.id = "has space"; }, "nymvisor.id"},
      {[](Config& c) { c.nymvisor.upgrade_data_directory = "rel"; },
       "nymvisor.upgrade_data_directory"},
      {[](Config& c) { c.daemon.backup_data_directory = "rel/b"; }, "daemon.backup_data_directory"},
      {[](Config& c) { c.nymvisor.metrics_textfile = "rel/m.prom"; }, "nymvisor.metrics_textfile"},
      {[](Config& c) { c.nymvisor.metrics_textfile = "/var/lib/m.txt"; },
       "nymvisor.metrics_textfile"},
      // Values that reach a unit file or a path rule (issue: a newline added
      // an ExecStartPre=, '/' voided the sandbox).
      {[](Config& c) { c.daemon.user = "nym\nExecStartPre=/bin/sh"; }, "daemon.user"},
      {[](Config& c) { c.daemon.unit = "n.service\nExecStartPre=x"; }, "daemon.unit"},
      {[](Config& c) { c.daemon.name = "nym-node\n"; }, "daemon.name"},
      {[](Config& c) { c.daemon.name = std::string("nym\0node", 8); }, "daemon.name"},
      {[](Config& c) { c.daemon.name = ".."; }, "daemon.name"},
      {[](Config& c) { c.daemon.home = "/"; }, "daemon.home"},
      {[](Config& c) { c.daemon.home = "/etc/"; }, "daemon.home"},
      {[](Config& c) { c.daemon.home = "/usr"; }, "daemon.home"},
      {[](Config& c) { c.daemon.home = "/var/lib/../lib"; }, "daemon.home"},
      {[](Config& c) { c.daemon.home = "/proc/1"; }, "daemon.home"},
      {[](Config& c) { c.daemon.user = "9lives"; }, "daemon.user"},
      {[](Config& c) { c.daemon.user = "a b"; }, "daemon.user"},
      {[](Config& c) { c.daemon.unit = "a@b@c.service"; }, "daemon.unit"},
      {[](Config& c) { c.daemon.unit = "nym-node@.service"; }, "daemon.unit"},
      {[](Config& c) { c.daemon.unit = "nym node.service"; }, "daemon.unit"},
      {[](Config& c) { c.nymvisor.upstream_polling_rate = std::chrono::nanoseconds(1); },
       "nymvisor.upstream_polling_rate"},
      {[](Config& c) { c.nymvisor.upstream_polling_rate = std::chrono::seconds(1); },
       "nymvisor.upstream_polling_rate"},
      {[](Config& c) { c.daemon.health_check_period = std::chrono::milliseconds(5); },
       "daemon.health_check_period"},
      {[](Config& c) { c.daemon.startup_period_duration = Duration::zero(); },
       "daemon.startup_period_duration"},
      {[](Config& c) { c.daemon.shutdown_grace_period = Duration::zero(); },
       "daemon.shutdown_grace_period"},
      {[](Config& c) { c.nymvisor.trusted_keys = {"RWQ-not-a-key"}; }, "nymvisor.trusted_keys"},
      {[](Config& c) { c.nymvisor.trusted_keys = {std::string(55, 'A') + "\n"}; },
       "nymvisor.trusted_keys"},
      {[](Config& c) { c.nymvisor.require_signature = true; }, "nymvisor.require_signature"},
  };
  for (const Case& c : cases) {
    Config config = Valid();
    c.mutate(config);
    Status st = ValidateConfig(config);
    ASSERT_FALSE(st.ok()) << c.expected;
    EXPECT_EQ(st.message().rfind(c.expected, 0), 0u) << st.message();
  }
}

TEST(ValidateConfig, TheGithubSourceNamesEachBadKey) {
  auto refusal = [](auto change) {
    Config c = Valid();
    change(c);
    return ValidateConfig(c).message();
  };
  EXPECT_EQ(refusal([](Config& c) { c.nymvisor.upstream_source = "gitlab"; }),
            "nymvisor.upstream_source: 'gitlab' is neither upgrade-info nor github");
  for (const char* repo : {"nym", "/nym", "nymtech/", "a/b/c", "nym tech/nym"}) {
    EXPECT_NE(refusal([&](Config& c) {
                c.nymvisor.github_repository = repo;
              }).find("nymvisor.github_repository"),
              std::string::npos)
        << repo;
  }
  EXPECT_NE(refusal([](Config& c) {
              c.nymvisor.github_api_url = "ftp://x";
            }).find("nymvisor.github_api_url"),
            std::string::npos);
  EXPECT_NE(
      refusal([](Config& c) {
        c.nymvisor.upstream_source = "github";
        c.nymvisor.require_signature = true;
        c.nymvisor.trusted_keys = {"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"};
      }).find("GitHub releases carry no minisign signatures"),
      std::string::npos);
  Config github = Valid();
  github.nymvisor.upstream_source = "github";
  github.nymvisor.github_repository = "nymtech/nym";
  EXPECT_TRUE(ValidateConfig(github).ok());
}

TEST(ValidateConfig, AcceptsWhatRealSetupsUse) {
  for (auto mutate : std::vector<void (*)(Config&)>{
           [](Config& c) { c.daemon.unit = "nym-node.service"; },
           [](Config& c) { c.daemon.unit = "nym-node@mixnode.service"; },
           [](Config& c) { c.daemon.home = "/root/.nym/nym-nodes/default-nym-node"; },
           [](Config& c) { c.daemon.home = "/home/nym/.nym/mixnodes/my-node/"; },
           [](Config& c) { c.daemon.user = "nym"; },
           [](Config& c) { c.daemon.user = "_nym-node.1"; },
           [](Config& c) { c.nymvisor.upstream_polling_rate = std::chrono::seconds(2); },
           [](Config& c) { c.daemon.health_check_period = std::chrono::seconds(1); },
           [](Config& c) {
             c.nymvisor.trusted_keys = {"RWRsgIWFLSNLVIA8qhHRGIZSEOCCJfLzIo70pT+7HXkIc4hkiJsFSH+e"};
             c.nymvisor.require_signature = true;
             c.nymvisor.upstream_source = "upgrade-info";  // signatures come with upgrade-info
           }}) {
    Config c = Valid();
    mutate(c);
    Status st = ValidateConfig(c);
    EXPECT_TRUE(st.ok()) << st.message();
  }
}

TEST(ValidateInstanceId, AllowsSystemdSafeNames) {
  EXPECT_TRUE(ValidateInstanceId("mixnode").ok());
  EXPECT_TRUE(ValidateInstanceId("nym-node-default").ok());
  EXPECT_TRUE(ValidateInstanceId("gw_1.a:b").ok());
  EXPECT_FALSE(ValidateInstanceId("").ok());
  EXPECT_FALSE(ValidateInstanceId(".hidden").ok());
  EXPECT_FALSE(ValidateInstanceId("x@y").ok());
  EXPECT_FALSE(ValidateInstanceId(std::string(129, 'a')).ok());
}

}  // namespace
}  // namespace nymvisor
