#include "agent/decide/status_snapshot.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

StatusSnapshot Idle() {
  StatusSnapshot s;
  s.current_version = "1.1.0";
  s.current_upgrade = "genesis";
  return s;
}

TEST(FormatStatusLine, IdleSaysWhatRunsAndWhatComesNext) {
  StatusSnapshot s = Idle();
  EXPECT_EQ(FormatStatusLine(s), "idle, running 1.1.0");
  s.next_check_time = *ParseTimestamp("2026-11-26T13:05:42Z");
  s.next_upgrade = "v2";
  s.next_upgrade_version = "1.2.0";
  s.next_upgrade_time = *ParseTimestamp("2026-11-27T09:30:00Z");
  s.next_upgrade_staged = true;
  s.last_outcome = "v1 refused: bad checksum";
  EXPECT_EQ(FormatStatusLine(s),
            "idle, running 1.1.0, next check 13:05 UTC; next upgrade v2 (1.2.0) at 2026-11-27 "
            "09:30 UTC, staged; last: v1 refused: bad checksum");
  s.next_upgrade_staged = false;
  s.next_upgrade_waits_for_binary = true;
  s.last_outcome.clear();
  s.held = true;
  EXPECT_EQ(FormatStatusLine(s),
            "held, running 1.1.0, next check 13:05 UTC; next upgrade v2 (1.2.0) at 2026-11-27 "
            "09:30 UTC, waiting for its binary (add-upgrade)");
}

TEST(FormatStatusLine, SaysWhatADueUpgradeWaitsFor) {
  StatusSnapshot s = Idle();
  s.next_upgrade = "v2";
  s.next_upgrade_version = "1.2.0";
  s.next_upgrade_time = *ParseTimestamp("2026-11-27T02:00:00Z");
  s.next_upgrade_staged = true;
  s.waiting_for = "window";
  EXPECT_EQ(FormatStatusLine(s),
            "idle, running 1.1.0; next upgrade v2 (1.2.0) at 2026-11-27 02:00 UTC, staged, "
            "waiting for its maintenance window");
  s.waiting_for = "release-age";
  EXPECT_NE(FormatStatusLine(s).find("waiting for the release to reach min_release_age"),
            std::string::npos);
  EXPECT_EQ(StatusSnapshotToJson(s)["waitingFor"], "release-age");
  s.waiting_for = "busy";
  EXPECT_NE(FormatStatusLine(s).find("waiting for the node to be idle (busy_check)"),
            std::string::npos);
  s.waiting_for = "hook";
  EXPECT_NE(FormatStatusLine(s).find("waiting for pre_upgrade_command to say go"),
            std::string::npos);
  s.waiting_for.clear();
  EXPECT_TRUE(StatusSnapshotToJson(s)["waitingFor"].is_null());
}

TEST(FormatStatusLine, AnUpgradeInFlightComesFirst) {
  StatusSnapshot s = Idle();
  s.download = "v3";
  s.progress = 45;
  EXPECT_EQ(FormatStatusLine(s), "downloading v3 45%");
  s.progress.reset();
  s.download_bytes = 1234;
  EXPECT_EQ(FormatStatusLine(s), "downloading v3 1234 bytes");
  s.step = UpgradeStep::kStopping;
  s.upgrade = "v2";
  s.upgrade_from = "1.1.0";
  s.upgrade_to = "1.2.0";
  EXPECT_EQ(FormatStatusLine(s), "upgrading 1.1.0 -> 1.2.0: stopping the node");
  s.step = UpgradeStep::kRestoring;
  EXPECT_EQ(FormatStatusLine(s), "upgrading 1.1.0 -> 1.2.0: rolling back: restoring the data");
  s.step = UpgradeStep::kHealthCheck;
  s.health_elapsed = 20s;
  s.health_period = 120s;
  EXPECT_EQ(FormatStatusLine(s), "health check 20/120 s of 1.2.0");
  s.node_unit = "nym-node.service";
  s.health_paused_at = Timestamp(std::chrono::hours(13) + std::chrono::minutes(5));
  EXPECT_EQ(FormatStatusLine(s),
            "health check of 1.2.0 paused: nym-node.service was stopped by someone else at "
            "13:05 UTC; start it to go on");
}

TEST(DeriveState, OneWordInPriorityOrder) {
  StatusSnapshot s = Idle();
  EXPECT_EQ(DeriveState(s), AgentState::kIdle);
  s.next_upgrade = "v2";
  s.next_upgrade_staged = true;
  EXPECT_EQ(DeriveState(s), AgentState::kStaged);
  s.awaiting_start = true;
  EXPECT_EQ(DeriveState(s), AgentState::kWaiting);
  s.node_down = true;
  EXPECT_EQ(DeriveState(s), AgentState::kFailed);
  s.held = true;
  EXPECT_EQ(DeriveState(s), AgentState::kHeld);
  s.checking = true;
  EXPECT_EQ(DeriveState(s), AgentState::kChecking);
  s.download = "v2";
  EXPECT_EQ(DeriveState(s), AgentState::kDownloading);
  s.step = UpgradeStep::kBackingUp;
  EXPECT_EQ(DeriveState(s), AgentState::kUpgrading);
  s.step = UpgradeStep::kHealthCheck;
  EXPECT_EQ(DeriveState(s), AgentState::kHealthCheck);
}

// The state a step shows comes from its row: a step that undoes the upgrade
// shows rolling-back, the health check health-check, the others upgrading.
TEST(DeriveState, EveryStepShowsThePhaseOfItsRow) {
  for (const StepSpec& spec : StepTable()) {
    StatusSnapshot s;
    s.step = spec.step;
    std::string_view want = spec.undoes                               ? "rolling-back"
                            : spec.effect == StepEffect::kJudgeHealth ? "health-check"
                                                                      : "upgrading";
    EXPECT_EQ(AgentStateName(DeriveState(s)), want) << spec.name;
  }
}

TEST(AgentStateName, TheControlApisWords) {
  EXPECT_EQ(AgentStateName(AgentState::kIdle), "idle");
  EXPECT_EQ(AgentStateName(AgentState::kHealthCheck), "health-check");
  EXPECT_EQ(AgentStateName(AgentState::kRollingBack), "rolling-back");
  EXPECT_EQ(AgentStateName(AgentState::kFailed), "failed");
}

TEST(StatusSnapshotToJson, NullsForTheUnknownAndTheStatusLine) {
  StatusSnapshot s = Idle();
  Json j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["state"], "idle");
  EXPECT_EQ(j["currentVersion"], "1.1.0");
  EXPECT_TRUE(j["nextUpgrade"].is_null());
  EXPECT_TRUE(j["nextUpgradeTime"].is_null());
  EXPECT_TRUE(j["progress"].is_null());
  EXPECT_TRUE(j["upgradeStep"].is_null());
  EXPECT_EQ(j["statusLine"], "idle, running 1.1.0");
  s.step = UpgradeStep::kHealthCheck;
  s.progress = 50;
  s.next_upgrade_time = *ParseTimestamp("2026-11-27T09:30:00Z");
  j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["upgradeStep"], "health-check");
  EXPECT_EQ(j["progress"], 50);
  EXPECT_EQ(j["nextUpgradeTime"], "2026-11-27T09:30:00Z");
}

TEST(StatusSnapshotToJson, SaysWhetherUpstreamFails) {
  StatusSnapshot s = Idle();
  s.upstream_source = "github";
  Json j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["upstreamSource"], "github");
  EXPECT_EQ(j["upstreamFailing"], false);
  EXPECT_TRUE(j["upstreamHint"].is_null());
  s.upstream_failure = "GET x: Could not resolve host";
  s.upstream_hint = "check DNS";
  j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["upstreamFailing"], true);
  EXPECT_EQ(j["upstreamHint"], "check DNS");
}

TEST(RedactSnapshot, LeavesNoCredentialInAnyText) {
  StatusSnapshot s = Idle();
  s.last_check_result = "HTTP status 404 from http://u:hunter2@127.0.0.1/x";
  s.last_error = "staging v2: GET https://u:hunter2@h/bin: refused";
  s.last_outcome = "https://tok@h/";
  s.upstream_url = "http://u:hunter2@127.0.0.1/x";
  s.upstream_failure = s.last_check_result;
  StatusSnapshot shown = RedactSnapshot(s);
  std::string json = DumpJsonCompact(StatusSnapshotToJson(shown));
  EXPECT_EQ(json.find("hunter2"), std::string::npos) << json;
  EXPECT_EQ(json.find("tok@"), std::string::npos) << json;
  EXPECT_EQ(shown.upstream_url, "http://u:***@127.0.0.1/x");
  EXPECT_EQ(shown.current_version, s.current_version);
}

TEST(StatusSnapshotFromJson, ReadsBackWhatWasWritten) {
  StatusSnapshot s = Idle();
  s.instance_id = "mixnode";
  s.node_unit = "nymvisor-daemon@mixnode.service";
  EXPECT_EQ(*StatusSnapshotFromJson(StatusSnapshotToJson(s)), s);
  s.state = AgentState::kHealthCheck;
  s.next_upgrade = "v3";
  s.next_upgrade_version = "1.3.0";
  s.next_upgrade_time = *ParseTimestamp("2026-11-27T09:30:00Z");
  s.next_upgrade_staged = true;
  s.last_check_time = *ParseTimestamp("2026-11-26T12:00:00Z");
  s.last_check_ok = false;
  s.last_check_result = "HTTP status 500";
  s.held = true;
  s.progress = 40;
  s.step = UpgradeStep::kHealthCheck;
  s.upgrade = "v2";
  s.upgrade_from = "1.1.0";
  s.upgrade_to = "1.2.0";
  s.health_elapsed = 48s;
  s.health_period = 120s;
  s.health_paused_at = Timestamp(std::chrono::hours(2));
  s.last_upgrade = "v1";
  s.last_upgrade_result = "skipped";
  s.last_downtime_usec = 31'000;
  s.upstream_source = "upgrade-info";
  s.upstream_url = "https://nymtech.net/.wellknown/nym-node/upgrade-info.json";
  s.upstream_failure = "HTTP status 404 from https://nymtech.net/...";
  s.upstream_hint = "Nym no longer publishes this file; set upstream_source = github";
  s.upstream_failing_since = *ParseTimestamp("2026-11-26T10:00:00Z");
  s.upstream_failed_polls = 3;
  s.waiting_for = "window";
  EXPECT_EQ(*StatusSnapshotFromJson(StatusSnapshotToJson(s)), s);
  s.upstream_source = "github";
  s.upstream_repository = "nymtech/nym";
  s.upstream_tag_prefix = "nym-binaries-v";
  EXPECT_EQ(*StatusSnapshotFromJson(StatusSnapshotToJson(s)), s);
  Json j = StatusSnapshotToJson(s);
  j.erase("state");
  EXPECT_NE(StatusSnapshotFromJson(j).status().message().find("state"), std::string::npos);
  j = StatusSnapshotToJson(s);
  j["state"] = "dancing";
  EXPECT_FALSE(StatusSnapshotFromJson(j).ok());
}

TEST(FormatStatusLine, SaysHowFarBehindTheNewestReleaseOnlyWhenBehind) {
  StatusSnapshot s = Idle();
  s.newest_release = "1.3.0";
  s.versions_behind = 20;
  s.config_score = 0.4951;
  EXPECT_EQ(FormatStatusLine(s), "idle, running 1.1.0, behind 20 (score 0.50)");
  s.versions_behind = 0;
  s.config_score = 1.0;
  EXPECT_EQ(FormatStatusLine(s), "idle, running 1.1.0");
}

TEST(StatusSnapshotToJson, TheNewestReleaseIsNullUntilKnownAndReadsBack) {
  StatusSnapshot s = Idle();
  Json j = StatusSnapshotToJson(s);
  EXPECT_TRUE(j["newestRelease"].is_null());
  EXPECT_TRUE(j["versionsBehind"].is_null());
  EXPECT_TRUE(j["configScore"].is_null());
  s.newest_release = "1.3.0";
  s.versions_behind = 20;
  s.config_score = 0.4951;
  j = StatusSnapshotToJson(s);
  EXPECT_EQ(j["newestRelease"], "1.3.0");
  EXPECT_EQ(j["versionsBehind"], 20);
  EXPECT_DOUBLE_EQ(j["configScore"].get<double>(), 0.4951);
  EXPECT_EQ(*StatusSnapshotFromJson(j), s);
  j.erase("newestRelease");  // an older agent
  j.erase("versionsBehind");
  j.erase("configScore");
  Result<StatusSnapshot> old = StatusSnapshotFromJson(j);
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_FALSE(old->versions_behind.has_value());
  j = StatusSnapshotToJson(s);
  j["configScore"] = "high";
  EXPECT_NE(StatusSnapshotFromJson(j).status().message().find("configScore"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
