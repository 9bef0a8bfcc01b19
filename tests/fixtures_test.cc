// Files hand-written in the original nymvisor's formats (tests/fixtures/original)
// must load as they are.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/config/config_file.h"
#include "agent/records/current_version.h"
#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_plan.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::FixturesDir;
using testing::ReadFileOrDie;

std::string Fixture(const std::string& name) {
  return ReadFileOrDie(FixturesDir() / "original" / name);
}

TEST(OriginalFixtures, ConfigLoadsWithTheOriginalDefaults) {
  Result<ParsedConfig> parsed = ParseConfigToml(Fixture("config.toml"), "config.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->warnings.empty());
  const Config& c = parsed->config;
  EXPECT_EQ(c.nymvisor.id, "nym-node-default");
  EXPECT_EQ(c.nymvisor.upstream_polling_rate, std::chrono::hours(1));
  EXPECT_EQ(c.daemon.name, "nym-node");
  EXPECT_EQ(c.daemon.home, "/home/nym/.nym/nym-nodes/default-nym-node");
  EXPECT_EQ(c.daemon.startup_period_duration, std::chrono::minutes(2));
  EXPECT_EQ(c.daemon.max_startup_failures, 10u);
  EXPECT_TRUE(c.daemon.unit.empty());
  EXPECT_TRUE(c.daemon.args.empty());
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(OriginalFixtures, HtmlEscapedConfigIsDecodedWithAWarning) {
  Result<ParsedConfig> parsed = ParseConfigToml(Fixture("config-html-escaped.toml"), "c.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->config.nymvisor.upstream_base_upgrade_url,
            "https://mirror.example/releases/?channel=stable&arch=x86_64");
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_NE(parsed->warnings[0].find("c.toml:4: nymvisor.upstream_base_upgrade_url"),
            std::string::npos);
  const Config& c = parsed->config;
  EXPECT_EQ(c.nymvisor.upstream_polling_rate, std::chrono::minutes(90));
  EXPECT_TRUE(c.daemon.restart_on_failure);
  EXPECT_FALSE(c.daemon.allow_binaries_download);
  EXPECT_EQ(c.daemon.max_startup_failures, 3u);
  EXPECT_EQ(c.daemon.backup_data_directory, "/var/backups/nym-api");
}

TEST(OriginalFixtures, UpstreamUpgradeInfoLoads) {
  Result<UpgradeInfo> info = ParseUpgradeInfo(Fixture("upgrade-info.json"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->name, "2024.13-magura");
  EXPECT_EQ(SelectDownload(*info, "linux-x86_64")->algorithm, ChecksumAlgorithm::kSha256);
}

TEST(OriginalFixtures, GenesisRecordEqualsWhatInitWrites) {
  Result<UpgradeInfo> info = ParseUpgradeInfo(Fixture("genesis-upgrade-info.json"));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(MakeGenesisInfo(*info->binary_details), *info);
}

TEST(OriginalFixtures, PlanLoadsWithQueueInTimeOrder) {
  Result<UpgradePlan> plan = ParseUpgradePlan(Fixture("upgrade-plan.json"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->current.name, "genesis");
  ASSERT_EQ(plan->queued_up.size(), 2u);
  EXPECT_EQ(plan->queued_up[0].name, "2024.13-magura");
  EXPECT_EQ(plan->queued_up[1].name, "hotfix");
  EXPECT_FALSE(plan->queued_up[1].binary_details.has_value());
  EXPECT_EQ(FormatTimestamp(*plan->queued_up[1].publish_date), "2024-11-19T09:00:00.5Z");
}

TEST(OriginalFixtures, HistoryLoadsAsCompletedUpgrades) {
  Result<UpgradeHistory> history = ParseUpgradeHistory(Fixture("upgrade-history.json"));
  ASSERT_TRUE(history.ok()) << history.status().message();
  ASSERT_EQ(history->history.size(), 1u);
  EXPECT_EQ(history->history[0].outcome, UpgradeOutcome::kCompleted);
  EXPECT_EQ(history->history[0].info.version, "1.1.12");
}

TEST(OriginalFixtures, CurrentVersionLoadsWithoutCargoTriple) {
  Result<CurrentVersion> current = ParseCurrentVersion(Fixture("current-version.json"));
  ASSERT_TRUE(current.ok()) << current.status().message();
  EXPECT_EQ(current->name, "2024.13-magura");
  EXPECT_EQ(current->binary_details.cargo_triple, "unknown");
}

TEST(OriginalFixtures, RewrittenFilesReadBackIdentically) {
  UpgradePlan plan = *ParseUpgradePlan(Fixture("upgrade-plan.json"));
  EXPECT_EQ(*ParseUpgradePlan(DumpJsonPretty(UpgradePlanToJson(plan))), plan);
  CurrentVersion current = *ParseCurrentVersion(Fixture("current-version.json"));
  EXPECT_EQ(*ParseCurrentVersion(DumpJsonPretty(CurrentVersionToJson(current))), current);
}

}  // namespace
}  // namespace nymvisor
