#include "agent/cli/status_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

TEST(ProgressBar, FillsInProportion) {
  EXPECT_EQ(ProgressBar(0, 10), "[..........] 0%");
  EXPECT_EQ(ProgressBar(45, 10), "[####......] 45%");
  EXPECT_EQ(ProgressBar(100, 10), "[##########] 100%");
  EXPECT_EQ(ProgressBar(250, 10), "[##########] 100%");
}

TEST(RenderStatus, ShowsProgressAndTheLastResult) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.instance_id = "mixnode";
  s.node_unit = "nym-node.service";
  s.state = AgentState::kDownloading;
  s.current_version = "1.1.0";
  s.current_upgrade = "genesis";
  s.download = "v2";
  s.progress = 40;
  s.last_check_time = now - std::chrono::minutes(5);
  s.last_check_result = "queued v2 (1.2.0)";
  s.last_upgrade = "v1";
  s.last_upgrade_result = "rolled-back";
  s.last_outcome = "v1 rolled back: the unit failed";
  s.last_downtime_usec = 31'400;
  std::string text = RenderStatus(s, now, /*terminal=*/true, StatusSource::kAgent);
  EXPECT_NE(text.find("Progress: [########............] 40% downloading v2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Last check: 2026-11-26 11:55 UTC (5m ago): queued v2 (1.2.0)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Last: v1: rolled-back (v1 rolled back: the unit failed)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Downtime: 31 ms"), std::string::npos) << text;
  EXPECT_NE(RenderStatus(s, now, false, StatusSource::kAgent).find("Progress: 40% downloading v2"),
            std::string::npos)
      << "no bar when not on a terminal";
}

TEST(RenderStatus, ShowsTheUpstreamAndWhyItFails) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.instance_id = "mixnode";
  s.current_version = "1.1.0";
  s.upstream_source = "github";
  s.upstream_url = "https://api.github.com/repos/nymtech/nym/releases";
  s.upstream_repository = "nymtech/nym";
  s.upstream_tag_prefix = "nym-binaries-v";
  std::string text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("  Upstream: github nymtech/nym, tags nym-binaries-v* "
                      "(https://api.github.com/repos/nymtech/nym/releases)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Failing"), std::string::npos);
  s.upstream_source = "upgrade-info";
  s.upstream_url = "https://nymtech.net/.wellknown/nym-node/upgrade-info.json";
  s.upstream_failure = "HTTP status 404 from " + s.upstream_url;
  s.upstream_hint = "Nym no longer publishes this file; set upstream_source = github";
  s.upstream_failing_since = now - std::chrono::hours(3);
  s.upstream_failed_polls = 4;
  text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("  Upstream: upgrade-info " + s.upstream_url + "\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("   Failing: HTTP status 404 from " + s.upstream_url +
                      " (every poll since 2026-11-26 09:00 UTC (3h ago), 4 in a row)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("      Hint: Nym no longer publishes this file; set upstream_source = github"),
      std::string::npos)
      << text;
}

TEST(RenderStatus, SaysANodeThatIsBehindUpgradesOnceStaged) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.current_version = "1.1.0";
  s.next_upgrade = "nym-binaries-v2026.10";
  s.next_upgrade_version = "1.2.0";
  s.next_upgrade_time = now - std::chrono::hours(48);
  std::string text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("due: 1.1.0 is behind, it upgrades once staged"), std::string::npos) << text;
  s.next_upgrade_time = now + std::chrono::hours(1);
  EXPECT_EQ(RenderStatus(s, now, false, StatusSource::kAgent).find("due:"), std::string::npos);
}

TEST(RenderStatus, ShowsANodeLeftDownWithWhatToDo) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.instance_id = "mixnode";
  s.node_unit = "nym-node.service";
  s.current_version = "1.1.0";
  s.node_left_down = "the node was left down ...; then run 'nymvisor release-node'";
  s.state = DeriveState(s);
  EXPECT_EQ(s.state, AgentState::kFailed);
  std::string text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("Node down: the node was left down"), std::string::npos) << text;
  EXPECT_NE(FormatStatusLine(s).find("nymvisor release-node"), std::string::npos);
  Json j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["nodeLeftDown"], s.node_left_down);
  EXPECT_EQ(StatusSnapshotFromJson(j)->node_left_down, s.node_left_down);
}

TEST(RenderStatus, ShowsTheFleetAndWhatItWaitsFor) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.current_version = "1.1.0";
  EXPECT_EQ(RenderStatus(s, now, false, StatusSource::kAgent).find("Fleet"), std::string::npos);
  s.step = UpgradeStep::kTakingSlot;
  s.fleet = FleetStatus{.group = "g",
                        .holder = "mixnode@0123",
                        .phase = "asked",
                        .waiting_for = "slot",
                        .detail = "waits for a fleet slot (held by mixnode@4567)",
                        .canary = true};
  std::string text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("Fleet: group g as mixnode@0123, max_unavailable 1, canary; slot asked; "
                      "waiting for slot: waits for a fleet slot (held by mixnode@4567)"),
            std::string::npos)
      << text;
  EXPECT_NE(FormatStatusLine(s).find("fleet g: waits for a fleet slot"), std::string::npos)
      << FormatStatusLine(s);
}

TEST(RenderStatus, ShowsTheNewestReleaseAndHowFarBehindItIs) {
  Timestamp now = *ParseTimestamp("2026-11-26T12:00:00Z");
  StatusSnapshot s;
  s.current_version = "1.1.0";
  EXPECT_EQ(RenderStatus(s, now, false, StatusSource::kAgent).find("Newest"), std::string::npos);
  s.newest_release = "1.3.0";
  s.versions_behind = 20;
  s.config_score = 0.4951;
  std::string text = RenderStatus(s, now, false, StatusSource::kAgent);
  EXPECT_NE(text.find("    Newest: 1.3.0: 20 versions behind as nym-api weighs it (config score "
                      "0.50)\n"),
            std::string::npos)
      << text;
  s.versions_behind = 0;
  s.config_score = 1.0;
  EXPECT_NE(RenderStatus(s, now, false, StatusSource::kAgent).find("Newest: 1.3.0 (up to date)"),
            std::string::npos);
}

}  // namespace
}  // namespace nymvisor
