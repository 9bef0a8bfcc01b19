#include "agent/generator/unit_dropins.h"

#include <gtest/gtest.h>

#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

Config Mixnode() {
  Config c = testing::NodeConfig("/var/lib/nym/mixnode", "mixnode");
  c.daemon.user = "nym";
  return c;
}

InstanceSources Sources() {
  return {"mixnode",
          "/etc/nymvisor/mixnode.toml",
          "/etc/nymvisor/mixnode.env",
          "/usr/bin/nymvisor",
          {}};
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(SystemdTimeSpan, UsesSecondsOrMilliseconds) {
  EXPECT_EQ(SystemdTimeSpan(10s), "10s");
  EXPECT_EQ(SystemdTimeSpan(2min), "120s");
  EXPECT_EQ(SystemdTimeSpan(1500ms), "1500ms");
  EXPECT_EQ(SystemdTimeSpan(0s), "0");
}

TEST(RenderNodeDropIn, MapsTheRestartSettingsToSystemd) {
  Config c = Mixnode();
  c.daemon.restart_on_failure = true;
  c.daemon.failure_restart_delay = 3s;
  c.daemon.max_startup_failures = 4;
  c.daemon.startup_period_duration = 90s;
  c.daemon.shutdown_grace_period = 20s;
  std::string d = RenderNodeDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "Restart=on-failure"));
  EXPECT_TRUE(Has(d, "RestartSec=3s"));
  EXPECT_TRUE(Has(d, "StartLimitBurst=4"));
  EXPECT_TRUE(Has(d, "StartLimitIntervalSec=90s"));
  EXPECT_TRUE(Has(d, "TimeoutStopSec=20s"));
  EXPECT_TRUE(Has(d, "User=nym"));
  EXPECT_TRUE(Has(d, "SyslogIdentifier=nym-node"));
  EXPECT_TRUE(Has(d, "LoadCredential=nymvisor.toml:/etc/nymvisor/mixnode.toml"));
  EXPECT_TRUE(Has(d, "EnvironmentFile=-/etc/nymvisor/mixnode.env"));
  EXPECT_EQ(d.find("ExecStart="), std::string::npos) << "the template has its own ExecStart";
  EXPECT_LT(d.find("[Unit]"), d.find("StartLimitBurst"));
  EXPECT_LT(d.find("[Service]"), d.find("Restart="));
}

TEST(RenderNodeDropIn, ExecsRefusalOfAHeldDownNodeIsNotRestarted) {
  Config c = Mixnode();
  EXPECT_TRUE(Has(RenderNodeDropIn(c, Sources()), "RestartPreventExitStatus=75"));
  c.daemon.unit = "nym-node.service";  // the operator's own unit runs exec too
  std::string d = RenderNodeDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "RestartPreventExitStatus=75"));
  EXPECT_LT(d.find("[Service]"), d.find("RestartPreventExitStatus="));
}

TEST(RenderNodeDropIn, RestartOnFailureByDefaultAndBurstAtLeastOne) {
  Config c = Mixnode();
  c.daemon.max_startup_failures = 0;
  std::string d = RenderNodeDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "Restart=on-failure")) << "the default, as the seed documents";
  EXPECT_TRUE(Has(d, "StartLimitBurst=1"));
  c.daemon.restart_on_failure = false;
  EXPECT_TRUE(Has(RenderNodeDropIn(c, Sources()), "Restart=no"));
}

TEST(RenderNodeDropIn, ABurstPastSystemdsUnsignedIntSaturates) {
  // systemd would ignore StartLimitBurst=4294967296 and fall back to 5.
  Config c = Mixnode();
  c.daemon.max_startup_failures = 4294967296u;
  EXPECT_TRUE(Has(RenderNodeDropIn(c, Sources()), "StartLimitBurst=4294967295\n"));
  c.daemon.max_startup_failures = UINT64_MAX;
  EXPECT_TRUE(Has(RenderNodeDropIn(c, Sources()), "StartLimitBurst=4294967295\n"));
}

TEST(RenderNodeDropIn, AnOperatorsOwnUnitRunsTheNodeThroughExec) {
  Config c = Mixnode();
  c.daemon.unit = "nym-node.service";
  EXPECT_FALSE(UsesNodeTemplate(c));
  std::string d = RenderNodeDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "ExecStart=\nExecStart=/usr/bin/nymvisor exec mixnode"));
  EXPECT_FALSE(Has(RenderAgentDropIn(c, Sources()), "Wants="))
      << "the agent starts its node, so a manual upgrade can leave it stopped";
  std::string unused = RenderUnusedTemplateDropIn(c, Sources());
  EXPECT_NE(unused.find("ConditionPathExists=/nonexistent/"), std::string::npos);
}

TEST(RenderAgentDropIn, AllowsWritesToTheInstanceDirectories) {
  Config c = Mixnode();
  c.daemon.backup_data_directory = "/srv/backups";
  std::string d = RenderAgentDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "ReadWritePaths=-/var/lib/nym/mixnode"));
  EXPECT_TRUE(Has(d, "ReadWritePaths=-/srv/backups"));
  EXPECT_EQ(d.find("ProtectHome"), std::string::npos);
  EXPECT_EQ(d.find("Wants="), std::string::npos) << "the agent starts its node itself";
}

TEST(RenderAgentDropIn, HomesUnderHomeRelaxProtectHomeToReadOnly) {
  Config c = Mixnode();
  c.daemon.home = "/home/nym/.nym/mixnodes/my node";
  std::string d = RenderAgentDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "ReadWritePaths=-\"/home/nym/.nym/mixnodes/my node\""));
  EXPECT_TRUE(Has(d, "ProtectHome=read-only"));
}

TEST(RenderAgentDropIn, AnUnprivilegedNodeMeansAnUnprivilegedAgent) {
  Config c = Mixnode();
  c.daemon.user = "nym";
  std::string d = RenderAgentDropIn(c, Sources());
  EXPECT_TRUE(Has(d, "User=nym")) << d;
  EXPECT_TRUE(Has(d, "Environment=\"NYMVISOR_CONFIG_PATH=/etc/nymvisor/mixnode.toml\"")) << d;
  c.daemon.user = "root";
  EXPECT_FALSE(Has(RenderAgentDropIn(c, Sources()), "User=")) << "a root node: a root agent";
}

TEST(RenderAgentDropIn, TheMetricsDirectoryIsWritable) {
  Config c = Mixnode();
  c.nymvisor.metrics_textfile = "/var/lib/prometheus/node-exporter/nymvisor-mixnode.prom";
  EXPECT_TRUE(
      Has(RenderAgentDropIn(c, Sources()), "ReadWritePaths=-/var/lib/prometheus/node-exporter"));
}

}  // namespace
}  // namespace nymvisor
