#include "agent/decide/status_snapshot.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "agent/base/url_redaction.h"

namespace nymvisor {
namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

constexpr std::pair<AgentState, std::string_view> kNames[] = {
    {AgentState::kIdle, "idle"},
    {AgentState::kChecking, "checking"},
    {AgentState::kDownloading, "downloading"},
    {AgentState::kStaged, "staged"},
    {AgentState::kWaiting, "waiting"},
    {AgentState::kUpgrading, "upgrading"},
    {AgentState::kHealthCheck, "health-check"},
    {AgentState::kRollingBack, "rolling-back"},
    {AgentState::kHeld, "held"},
    {AgentState::kFailed, "failed"},
};

/// The state a step shows, from its row's phase.
AgentState StateOf(StepPhase phase) {
  switch (phase) {
    case StepPhase::kUpgrading:
      return AgentState::kUpgrading;
    case StepPhase::kHealthCheck:
      return AgentState::kHealthCheck;
    case StepPhase::kRollingBack:
      return AgentState::kRollingBack;
  }
  return AgentState::kUpgrading;
}

std::string ShortTime(Timestamp t, bool with_date) {
  std::string full = FormatTimestamp(std::chrono::floor<seconds>(t));
  return with_date ? full.substr(0, 10) + " " + full.substr(11, 5) + " UTC"
                   : full.substr(11, 5) + " UTC";
}

std::string UpgradeLine(const StatusSnapshot& s) {
  if (s.health_paused_at) {
    return "health check of " + s.upgrade_to + " paused: " + s.node_unit +
           " was stopped by someone else at " + ShortTime(*s.health_paused_at, false) +
           "; start it to go on";
  }
  if (s.health_elapsed) {
    return "health check " + std::to_string(duration_cast<seconds>(*s.health_elapsed).count()) +
           "/" + std::to_string(duration_cast<seconds>(s.health_period).count()) + " s of " +
           s.upgrade_to;
  }
  return "upgrading " + s.upgrade_from + " -> " + s.upgrade_to + ": " +
         std::string(Spec(*s.step).status);
}

std::string DownloadLine(const StatusSnapshot& s) {
  return "downloading " + s.download +
         (s.progress ? " " + std::to_string(*s.progress) + "%"
                     : " " + std::to_string(s.download_bytes) + " bytes");
}

/// What a due upgrade waits for, in words, for the status line.
std::string WaitingForText(const std::string& waiting_for) {
  if (waiting_for == "window") return "its maintenance window";
  if (waiting_for == "release-age") return "the release to reach min_release_age";
  if (waiting_for == "spread") return "its offset in the rollout spread";
  if (waiting_for == "held") return "the hold to end (nymvisor resume)";
  if (waiting_for == "busy") return "the node to be idle (busy_check)";
  if (waiting_for == "hook") return "pre_upgrade_command to say go";
  return waiting_for;
}

/// ", behind 2 (score 0.50)" while the node runs behind the newest release.
std::string BehindText(const StatusSnapshot& s) {
  if (!s.versions_behind || *s.versions_behind == 0) return "";
  char score[32];
  std::snprintf(score, sizeof score, "%.2f", s.config_score.value_or(1.0));
  return ", behind " + std::to_string(*s.versions_behind) + " (score " + score + ")";
}

std::string IdleLine(const StatusSnapshot& s) {
  std::string text = std::string(s.held ? "held" : "idle") + ", running " + s.current_version;
  text += BehindText(s);
  if (s.next_check_time) text += ", next check " + ShortTime(*s.next_check_time, false);
  if (!s.next_upgrade.empty()) {
    text += "; next upgrade " + s.next_upgrade + " (" + s.next_upgrade_version + ")";
    if (s.next_upgrade_time) text += " at " + ShortTime(*s.next_upgrade_time, true);
    if (s.next_upgrade_staged) text += ", staged";
    if (s.next_upgrade_waits_for_binary) text += ", waiting for its binary (add-upgrade)";
    if (!s.waiting_for.empty()) text += ", waiting for " + WaitingForText(s.waiting_for);
  }
  if (!s.last_outcome.empty()) text += "; last: " + s.last_outcome;
  if (!s.node_left_down.empty()) {
    text += "; the node is left down: check its data, then run 'nymvisor release-node'";
  }
  return text;
}

Json TimeOrNull(const std::optional<Timestamp>& t) {
  return t ? Json(FormatTimestamp(*t)) : Json(nullptr);
}

Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

/// Reads the snapshot's keys; every key StatusSnapshotToJson writes is required.
class SnapshotReader {
 public:
  explicit SnapshotReader(const Json& j) : j_(j) {}
  Status Text(std::string_view key, std::string* out) {
    const Json* v = FindMember(j_, key);
    if (v == nullptr) return Has(key);
    if (!v->is_string()) return Status::Error("key '" + std::string(key) + "' must be a string");
    *out = v->get<std::string>();
    return {};
  }
  Status Flag(std::string_view key, bool* out) {
    NV_ASSIGN_OR_RETURN(*out, GetBool(j_, key));
    return {};
  }
  template <typename T>
  Status Number(std::string_view key, T* out) {
    const Json* v = FindMember(j_, key);
    if (v == nullptr) return Has(key);
    if (!v->is_number_integer() || v->get<int64_t>() < 0) {
      return Status::Error("key '" + std::string(key) + "' must be a whole number >= 0");
    }
    *out = v->get<T>();
    return {};
  }
  Status Time(std::string_view key, std::optional<Timestamp>* out) {
    NV_RETURN_IF_ERROR(Has(key));
    NV_ASSIGN_OR_RETURN(*out, GetOptionalTimestamp(j_, key));
    return {};
  }

 private:
  /// Null counts as present (an unknown value); only a missing key is an error.
  Status Has(std::string_view key) {
    if (j_.contains(std::string(key))) return {};
    return Status::Error("missing key '" + std::string(key) + "'");
  }
  const Json& j_;
};

/// The upstream keys; null text reads as empty.
Status ReadUpstream(const Json& j, StatusSnapshot* s) {
  SnapshotReader r(j);
  const std::pair<const char*, std::string*> texts[] = {
      {"upstreamSource", &s->upstream_source},
      {"upstreamUrl", &s->upstream_url},
      {"upstreamRepository", &s->upstream_repository},
      {"upstreamTagPrefix", &s->upstream_tag_prefix},
      {"upstreamFailure", &s->upstream_failure},
      {"upstreamHint", &s->upstream_hint}};
  for (const auto& [key, field] : texts) {
    const Json* v = FindMember(j, key);
    if (v == nullptr || !v->is_null()) NV_RETURN_IF_ERROR(r.Text(key, field));
  }
  NV_RETURN_IF_ERROR(r.Time("upstreamFailingSince", &s->upstream_failing_since));
  return r.Number("upstreamFailedPolls", &s->upstream_failed_polls);
}

/// The newest release and what it implies: absent (an older agent) or null
/// reads as unknown.
Status ReadNewestRelease(const Json& j, StatusSnapshot* s) {
  if (const Json* v = FindMember(j, "newestRelease"); v != nullptr && !v->is_null()) {
    NV_RETURN_IF_ERROR(SnapshotReader(j).Text("newestRelease", &s->newest_release));
  }
  if (const Json* v = FindMember(j, "versionsBehind"); v != nullptr && !v->is_null()) {
    uint64_t behind = 0;
    NV_RETURN_IF_ERROR(SnapshotReader(j).Number("versionsBehind", &behind));
    s->versions_behind = behind;
  }
  if (const Json* v = FindMember(j, "configScore"); v != nullptr && !v->is_null()) {
    if (!v->is_number()) return Status::Error("key 'configScore' must be a number");
    s->config_score = v->get<double>();
  }
  return {};
}

Status ReadSnapshot(const Json& j, StatusSnapshot* s) {
  NV_RETURN_IF_ERROR(RequireObject(j, "status"));
  SnapshotReader r(j);
  std::string state, step;
  NV_RETURN_IF_ERROR(r.Text("instance", &s->instance_id));
  NV_RETURN_IF_ERROR(r.Text("nodeUnit", &s->node_unit));
  NV_RETURN_IF_ERROR(r.Text("state", &state));
  NV_ASSIGN_OR_RETURN(s->state, ParseAgentState(state));
  NV_RETURN_IF_ERROR(r.Text("currentVersion", &s->current_version));
  NV_RETURN_IF_ERROR(r.Text("currentUpgrade", &s->current_upgrade));
  NV_RETURN_IF_ERROR(r.Text("nextUpgrade", &s->next_upgrade));
  NV_RETURN_IF_ERROR(r.Text("nextUpgradeVersion", &s->next_upgrade_version));
  NV_RETURN_IF_ERROR(r.Time("nextUpgradeTime", &s->next_upgrade_time));
  NV_RETURN_IF_ERROR(r.Flag("nextUpgradeStaged", &s->next_upgrade_staged));
  NV_RETURN_IF_ERROR(r.Flag("nextUpgradeWaitsForBinary", &s->next_upgrade_waits_for_binary));
  NV_RETURN_IF_ERROR(r.Time("nextCheckTime", &s->next_check_time));
  NV_RETURN_IF_ERROR(r.Time("lastCheckTime", &s->last_check_time));
  NV_RETURN_IF_ERROR(r.Flag("lastCheckOk", &s->last_check_ok));
  NV_RETURN_IF_ERROR(r.Text("lastCheckResult", &s->last_check_result));
  NV_RETURN_IF_ERROR(r.Text("lastError", &s->last_error));
  NV_RETURN_IF_ERROR(r.Flag("held", &s->held));
  NV_RETURN_IF_ERROR(r.Flag("awaitingStart", &s->awaiting_start));
  NV_RETURN_IF_ERROR(r.Flag("nodeDown", &s->node_down));
  if (FindMember(j, "nodeLeftDown") != nullptr) {  // absent from an older agent
    NV_RETURN_IF_ERROR(r.Text("nodeLeftDown", &s->node_left_down));
  }
  if (const Json* p = FindMember(j, "progress"); p != nullptr && p->is_number_unsigned()) {
    s->progress = p->get<uint32_t>();
  }
  NV_RETURN_IF_ERROR(r.Text("download", &s->download));
  NV_RETURN_IF_ERROR(r.Number("downloadBytes", &s->download_bytes));
  NV_RETURN_IF_ERROR(r.Text("upgrade", &s->upgrade));
  NV_RETURN_IF_ERROR(r.Text("upgradeStep", &step));
  if (!step.empty()) {
    NV_ASSIGN_OR_RETURN(s->step, ParseStepName(step));
  }
  NV_RETURN_IF_ERROR(r.Text("upgradeFrom", &s->upgrade_from));
  NV_RETURN_IF_ERROR(r.Text("upgradeTo", &s->upgrade_to));
  if (const Json* e = FindMember(j, "healthElapsedSec"); e != nullptr && e->is_number_integer()) {
    s->health_elapsed = std::chrono::seconds(e->get<int64_t>());
  }
  if (FindMember(j, "healthPausedAt") != nullptr) {
    NV_RETURN_IF_ERROR(r.Time("healthPausedAt", &s->health_paused_at));
  }
  int64_t period = 0;
  NV_RETURN_IF_ERROR(r.Number("healthPeriodSec", &period));
  s->health_period = std::chrono::seconds(period);
  NV_RETURN_IF_ERROR(r.Text("lastUpgrade", &s->last_upgrade));
  NV_RETURN_IF_ERROR(r.Text("lastUpgradeResult", &s->last_upgrade_result));
  NV_RETURN_IF_ERROR(r.Text("lastOutcome", &s->last_outcome));
  NV_RETURN_IF_ERROR(r.Number("lastDowntimeUsec", &s->last_downtime_usec));
  if (FindMember(j, "waitingFor") != nullptr) {  // absent from an older agent
    NV_RETURN_IF_ERROR(r.Text("waitingFor", &s->waiting_for));
  }
  NV_RETURN_IF_ERROR(ReadNewestRelease(j, s));
  if (const Json* fleet = FindMember(j, "fleet"); fleet != nullptr && !fleet->is_null()) {
    NV_ASSIGN_OR_RETURN(s->fleet, FleetStatusFromJson(*fleet));
  }
  return ReadUpstream(j, s);
}

}  // namespace

Result<StatusSnapshot> StatusSnapshotFromJson(const Json& j) {
  StatusSnapshot s;
  if (Status st = ReadSnapshot(j, &s); !st.ok()) return st.WithContext("status");
  return s;
}

std::string_view AgentStateName(AgentState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "unknown";
}

AgentState DeriveState(const StatusSnapshot& s) {
  if (s.step) return StateOf(Spec(*s.step).phase);
  if (!s.download.empty()) return AgentState::kDownloading;
  if (s.checking) return AgentState::kChecking;
  if (!s.node_left_down.empty()) return AgentState::kFailed;
  if (s.held) return AgentState::kHeld;
  if (s.node_down) return AgentState::kFailed;
  if (s.awaiting_start || s.next_upgrade_waits_for_binary) return AgentState::kWaiting;
  if (s.next_upgrade_staged) return AgentState::kStaged;
  return AgentState::kIdle;
}

Result<AgentState> ParseAgentState(std::string_view name) {
  for (const auto& [s, state_name] : kNames) {
    if (state_name == name) return s;
  }
  return Status::Error("unknown agent state '" + std::string(name) + "'");
}

std::string FormatStatusLine(const StatusSnapshot& s) {
  std::string fleet = s.fleet ? FleetStatusText(*s.fleet) : "";
  if (s.step && !fleet.empty()) return UpgradeLine(s) + "; " + fleet;
  if (s.step) return UpgradeLine(s);
  if (!s.download.empty()) return DownloadLine(s);
  return IdleLine(s);
}

Json StatusSnapshotToJson(const StatusSnapshot& s) {
  Json j = Json::object();
  j["instance"] = s.instance_id;
  j["nodeUnit"] = s.node_unit;
  j["state"] = AgentStateName(s.state);
  j["currentVersion"] = s.current_version;
  j["currentUpgrade"] = s.current_upgrade;
  j["nextUpgrade"] = TextOrNull(s.next_upgrade);
  j["nextUpgradeVersion"] = TextOrNull(s.next_upgrade_version);
  j["nextUpgradeTime"] = TimeOrNull(s.next_upgrade_time);
  j["nextUpgradeStaged"] = s.next_upgrade_staged;
  j["nextUpgradeWaitsForBinary"] = s.next_upgrade_waits_for_binary;
  j["nextCheckTime"] = TimeOrNull(s.next_check_time);
  j["lastCheckTime"] = TimeOrNull(s.last_check_time);
  j["lastCheckOk"] = s.last_check_ok;
  j["lastCheckResult"] = TextOrNull(s.last_check_result);
  j["lastError"] = TextOrNull(s.last_error);
  j["held"] = s.held;
  j["awaitingStart"] = s.awaiting_start;
  j["nodeDown"] = s.node_down;
  j["nodeLeftDown"] = TextOrNull(s.node_left_down);
  j["progress"] = s.progress ? Json(*s.progress) : Json(nullptr);
  j["download"] = TextOrNull(s.download);
  j["downloadBytes"] = s.download_bytes;
  j["upgrade"] = TextOrNull(s.upgrade);
  j["upgradeStep"] = s.step ? Json(StepName(*s.step)) : Json(nullptr);
  j["upgradeFrom"] = TextOrNull(s.upgrade_from);
  j["upgradeTo"] = TextOrNull(s.upgrade_to);
  j["healthElapsedSec"] =
      s.health_elapsed ? Json(duration_cast<seconds>(*s.health_elapsed).count()) : Json(nullptr);
  j["healthPeriodSec"] = duration_cast<seconds>(s.health_period).count();
  j["healthPausedAt"] = TimeOrNull(s.health_paused_at);
  j["lastUpgrade"] = TextOrNull(s.last_upgrade);
  j["lastUpgradeResult"] = TextOrNull(s.last_upgrade_result);
  j["lastOutcome"] = TextOrNull(s.last_outcome);
  j["lastDowntimeUsec"] = s.last_downtime_usec;
  j["upstreamSource"] = s.upstream_source;
  j["upstreamUrl"] = TextOrNull(s.upstream_url);
  j["upstreamRepository"] = TextOrNull(s.upstream_repository);
  j["upstreamTagPrefix"] = TextOrNull(s.upstream_tag_prefix);
  j["upstreamFailing"] = !s.upstream_failure.empty();
  j["upstreamFailure"] = TextOrNull(s.upstream_failure);
  j["upstreamHint"] = TextOrNull(s.upstream_hint);
  j["upstreamFailingSince"] = TimeOrNull(s.upstream_failing_since);
  j["upstreamFailedPolls"] = s.upstream_failed_polls;
  j["waitingFor"] = TextOrNull(s.waiting_for);
  j["newestRelease"] = TextOrNull(s.newest_release);
  j["versionsBehind"] = s.versions_behind ? Json(*s.versions_behind) : Json(nullptr);
  j["configScore"] = s.config_score ? Json(*s.config_score) : Json(nullptr);
  if (s.fleet) j["fleet"] = FleetStatusToJson(*s.fleet);  // only with a fleet
  j["statusLine"] = FormatStatusLine(s);
  return j;
}

StatusSnapshot RedactSnapshot(StatusSnapshot s) {
  for (std::string* text : {&s.last_check_result, &s.last_error, &s.last_outcome, &s.upstream_url,
                            &s.upstream_failure, &s.download}) {
    *text = RedactUrlsIn(*text);
  }
  if (s.fleet) s.fleet->detail = RedactUrlsIn(s.fleet->detail);
  return s;
}

}  // namespace nymvisor
