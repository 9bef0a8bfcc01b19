#include "agent/decide/status_snapshot.h"

#include <nlohmann/json.hpp>
#include <utility>

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

std::string ShortTime(Timestamp t, bool with_date) {
  std::string full = FormatTimestamp(std::chrono::floor<seconds>(t));
  return with_date ? full.substr(0, 10) + " " + full.substr(11, 5) + " UTC"
                   : full.substr(11, 5) + " UTC";
}

std::string UpgradeLine(const StatusSnapshot& s) {
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

std::string IdleLine(const StatusSnapshot& s) {
  std::string text = std::string(s.held ? "held" : "idle") + ", running " + s.current_version;
  if (s.next_check_time) text += ", next check " + ShortTime(*s.next_check_time, false);
  if (!s.next_upgrade.empty()) {
    text += "; next upgrade " + s.next_upgrade + " (" + s.next_upgrade_version + ")";
    if (s.next_upgrade_time) text += " at " + ShortTime(*s.next_upgrade_time, true);
    if (s.next_upgrade_staged) text += ", staged";
    if (s.next_upgrade_waits_for_binary) text += ", waiting for its binary (add-upgrade)";
  }
  if (!s.last_outcome.empty()) text += "; last: " + s.last_outcome;
  return text;
}

Json TimeOrNull(const std::optional<Timestamp>& t) {
  return t ? Json(FormatTimestamp(*t)) : Json(nullptr);
}

Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

}  // namespace

std::string_view AgentStateName(AgentState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "unknown";
}

AgentState DeriveState(const StatusSnapshot& s) {
  if (s.step) {
    if (*s.step == UpgradeStep::kHealthCheck) return AgentState::kHealthCheck;
    return Spec(*s.step).undoes ? AgentState::kRollingBack : AgentState::kUpgrading;
  }
  if (!s.download.empty()) return AgentState::kDownloading;
  if (s.checking) return AgentState::kChecking;
  if (s.held) return AgentState::kHeld;
  if (s.node_down) return AgentState::kFailed;
  if (s.awaiting_start || s.next_upgrade_waits_for_binary) return AgentState::kWaiting;
  if (s.next_upgrade_staged) return AgentState::kStaged;
  return AgentState::kIdle;
}

std::string FormatStatusLine(const StatusSnapshot& s) {
  if (s.step) return UpgradeLine(s);
  if (!s.download.empty()) return DownloadLine(s);
  return IdleLine(s);
}

Json StatusSnapshotToJson(const StatusSnapshot& s) {
  Json j = Json::object();
  j["state"] = AgentStateName(s.state);
  j["currentVersion"] = s.current_version;
  j["currentUpgrade"] = s.current_upgrade;
  j["nextUpgrade"] = TextOrNull(s.next_upgrade);
  j["nextUpgradeVersion"] = TextOrNull(s.next_upgrade_version);
  j["nextUpgradeTime"] = TimeOrNull(s.next_upgrade_time);
  j["nextUpgradeStaged"] = s.next_upgrade_staged;
  j["nextCheckTime"] = TimeOrNull(s.next_check_time);
  j["lastCheckTime"] = TimeOrNull(s.last_check_time);
  j["lastCheckOk"] = s.last_check_ok;
  j["lastCheckResult"] = TextOrNull(s.last_check_result);
  j["lastError"] = TextOrNull(s.last_error);
  j["held"] = s.held;
  j["awaitingStart"] = s.awaiting_start;
  j["nodeDown"] = s.node_down;
  j["progress"] = s.progress ? Json(*s.progress) : Json(nullptr);
  j["download"] = TextOrNull(s.download);
  j["upgrade"] = TextOrNull(s.upgrade);
  j["upgradeStep"] = s.step ? Json(StepName(*s.step)) : Json(nullptr);
  j["upgradeFrom"] = TextOrNull(s.upgrade_from);
  j["upgradeTo"] = TextOrNull(s.upgrade_to);
  j["lastUpgrade"] = TextOrNull(s.last_upgrade);
  j["lastUpgradeResult"] = TextOrNull(s.last_upgrade_result);
  j["lastOutcome"] = TextOrNull(s.last_outcome);
  j["lastDowntimeUsec"] = s.last_downtime_usec;
  j["statusLine"] = FormatStatusLine(s);
  return j;
}

}  // namespace nymvisor
