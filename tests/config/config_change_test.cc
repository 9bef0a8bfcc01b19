#include "agent/config/config_change.h"

#include <gtest/gtest.h>

#include <set>

#include "agent/base/strings.h"
#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

TEST(DiffConfigs, SortsEachChangeByWhoTakesItUp) {
  Config before = testing::NodeConfig("/var/lib/nym");
  Config after = before;
  EXPECT_TRUE(DiffConfigs(before, after).empty());
  after.nymvisor.upstream_polling_rate = std::chrono::hours(2);
  after.daemon.home = "/srv/nym";
  after.daemon.args = {"run", "--id", "x"};
  ConfigChange change = DiffConfigs(before, after);
  EXPECT_EQ(change.reloadable,
            (std::vector<std::string>{"nymvisor.upstream_polling_rate", "daemon.args"}));
  EXPECT_EQ(change.agent_restart, (std::vector<std::string>{"daemon.home"}));
  EXPECT_EQ(change.node_start, (std::vector<std::string>{"daemon.home", "daemon.args"}));
  EXPECT_EQ(Join(change.node_start, ", "), "daemon.home, daemon.args");
}

TEST(NeedsAgentRestart, NamesTheInstanceItsFilesAndItsAccount) {
  for (const ConfigKey& key : AllConfigKeys()) {
    bool expected = key.FullName() == "nymvisor.id" || key.FullName() == "daemon.home" ||
                    key.FullName() == "daemon.user" || key.FullName() == "daemon.unit" ||
                    key.FullName() == "daemon.name" ||
                    key.FullName() == "nymvisor.upgrade_data_directory" ||
                    key.FullName() == "daemon.backup_data_directory" ||
                    key.FullName() == "nymvisor.metrics_textfile";
    // The etcd connection and its credential (LoadCredential=) are set up
    // when the agent starts.
    const std::set<std::string> fleet = {"nymvisor.fleet_endpoints", "nymvisor.fleet_group",
                                         "nymvisor.fleet_ca_file",   "nymvisor.fleet_cert_file",
                                         "nymvisor.fleet_key_file",  "nymvisor.fleet_credential"};
    expected = expected || fleet.count(key.FullName()) > 0;
    EXPECT_EQ(key.NeedsAgentRestart(), expected) << key.FullName();
  }
}

TEST(ReadWhenTheNodeStarts, NamesWhatTheNodeUnitAndExecRead) {
  // What RenderNodeDropIn and NodeCommandLine use.
  const std::set<std::string> expected = {"daemon.name",
                                          "daemon.home",
                                          "daemon.args",
                                          "daemon.user",
                                          "daemon.unit",
                                          "daemon.restart_on_failure",
                                          "daemon.failure_restart_delay",
                                          "daemon.max_startup_failures",
                                          "daemon.startup_period_duration",
                                          "daemon.shutdown_grace_period"};
  for (const ConfigKey& key : AllConfigKeys()) {
    EXPECT_EQ(key.ReadWhenTheNodeStarts(), expected.count(key.FullName()) == 1) << key.FullName();
  }
}

}  // namespace
}  // namespace nymvisor
