#include "agent/decide/metrics.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

StatusSnapshot Sample() {
  StatusSnapshot s;
  s.instance_id = "mixnode";
  s.current_version = "1.1.0";
  s.current_upgrade = "genesis";
  s.state = AgentState::kStaged;
  s.last_check_time = *ParseTimestamp("2026-11-26T12:00:00Z");
  s.next_upgrade = "v2";
  s.next_upgrade_time = *ParseTimestamp("2026-11-27T00:00:00Z");
  s.last_downtime_usec = 31'500;
  return s;
}

TEST(CountUpgrades, OneCounterPerOutcome) {
  auto entry = [](UpgradeOutcome o) { return HistoryEntry{{}, {}, o, ""}; };
  UpgradeHistory h{{entry(UpgradeOutcome::kCompleted), entry(UpgradeOutcome::kCompleted),
                    entry(UpgradeOutcome::kFailed), entry(UpgradeOutcome::kRolledBack),
                    entry(UpgradeOutcome::kReverted), entry(UpgradeOutcome::kSkipped)}};
  EXPECT_EQ(CountUpgrades(h), (UpgradeCounts{2, 1, 2, 1}));
  EXPECT_EQ(CountUpgrades({}), UpgradeCounts{});
}

TEST(FormatMetrics, EverySeriesHasHelpTypeAndTheInstance) {
  std::string text = FormatMetrics(Sample(), {3, 1, 1, 0});
  EXPECT_TRUE(Has(text, "# TYPE nymvisor_build_info gauge"));
  EXPECT_TRUE(
      Has(text, R"(nymvisor_build_info{instance="mixnode",version="1.1.0",upgrade="genesis"} 1)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_state{instance="mixnode",state="staged"} 1)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_state{instance="mixnode",state="idle"} 0)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_last_check_timestamp_seconds{instance="mixnode"} 1795694400)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_last_check_success{instance="mixnode"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(nymvisor_next_upgrade_timestamp_seconds{instance="mixnode"} 1795737600)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_last_upgrade_downtime_seconds{instance="mixnode"} 0.0315)"));
  EXPECT_TRUE(Has(text, "# TYPE nymvisor_upgrades_applied_total counter"));
  EXPECT_TRUE(Has(text, R"(nymvisor_upgrades_applied_total{instance="mixnode"} 3)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_upgrades_skipped_total{instance="mixnode"} 0)"));
  // Each family is announced once, before its samples.
  size_t help = 0, type = 0;
  for (size_t at = 0; (at = text.find("# HELP ", at)) != std::string::npos; ++at) ++help;
  for (size_t at = 0; (at = text.find("# TYPE ", at)) != std::string::npos; ++at) ++type;
  EXPECT_EQ(help, 13u);
  EXPECT_EQ(type, 13u);
}

TEST(FormatMetrics, SayWhyADueUpgradeWaits) {
  StatusSnapshot s = Sample();
  s.waiting_for = "window";
  std::string text = FormatMetrics(s, {3, 1, 1, 0});
  EXPECT_TRUE(Has(text, R"(nymvisor_upgrade_waiting_for{instance="mixnode",reason="window"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(nymvisor_upgrade_waiting_for{instance="mixnode",reason="release-age"} 0)"));
  s.waiting_for.clear();
  EXPECT_TRUE(Has(FormatMetrics(s, {3, 1, 1, 0}),
                  R"(nymvisor_upgrade_waiting_for{instance="mixnode",reason="window"} 0)"));
}

TEST(FormatMetrics, NothingQueuedNothingDownloadedAndLabelsEscaped) {
  StatusSnapshot s = Sample();
  s.next_upgrade.clear();
  s.last_check_time.reset();
  s.instance_id = "a\"b\\c";
  std::string text = FormatMetrics(s, {});
  EXPECT_TRUE(Has(text, R"(nymvisor_next_upgrade_timestamp_seconds{instance="a\"b\\c"} 0)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_last_check_success{instance="a\"b\\c"} 0)"));
  EXPECT_TRUE(Has(text, R"(nymvisor_download_progress_ratio{instance="a\"b\\c"} 0)"));
  s.instance_id = "mixnode";
  s.download = "v2";
  s.progress = 25;
  EXPECT_TRUE(
      Has(FormatMetrics(s, {}), R"(nymvisor_download_progress_ratio{instance="mixnode"} 0.25)"));
}

TEST(FormatMetrics, HowFarBehindTheNewestReleaseOnlyOnceKnown) {
  StatusSnapshot s = Sample();
  std::string text = FormatMetrics(s, {});
  EXPECT_EQ(text.find("nymvisor_versions_behind"), std::string::npos) << "not measured: absent";
  EXPECT_EQ(text.find("nymvisor_config_score"), std::string::npos);
  s.versions_behind = 20;
  s.config_score = 0.5;
  text = FormatMetrics(s, {});
  EXPECT_TRUE(Has(text, "# TYPE nymvisor_versions_behind gauge"));
  EXPECT_TRUE(Has(text, R"(nymvisor_versions_behind{instance="mixnode"} 20)"));
  EXPECT_TRUE(Has(text, "# TYPE nymvisor_config_score gauge"));
  EXPECT_TRUE(Has(text, R"(nymvisor_config_score{instance="mixnode"} 0.5)"));
}

TEST(FormatMetrics, ThePollIntervalWhenGiven) {
  EXPECT_EQ(FormatMetrics(Sample(), {}).find("nymvisor_poll_interval_seconds"), std::string::npos);
  std::string text = FormatMetrics(Sample(), {}, std::chrono::minutes(90));
  EXPECT_TRUE(Has(text, "# TYPE nymvisor_poll_interval_seconds gauge"));
  EXPECT_TRUE(Has(text, R"(nymvisor_poll_interval_seconds{instance="mixnode"} 5400)"));
}

}  // namespace
}  // namespace nymvisor
