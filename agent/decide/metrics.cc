#include "agent/decide/metrics.h"

#include <chrono>
#include <cstdio>

namespace nymvisor {
namespace {

constexpr AgentState kStates[] = {AgentState::kIdle,        AgentState::kChecking,
                                  AgentState::kDownloading, AgentState::kStaged,
                                  AgentState::kWaiting,     AgentState::kUpgrading,
                                  AgentState::kHealthCheck, AgentState::kRollingBack,
                                  AgentState::kHeld,        AgentState::kFailed};

/// A label value with \, " and newlines escaped, as the format requires.
std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

double Seconds(const std::optional<Timestamp>& t) {
  if (!t) return 0;
  return std::chrono::duration<double>(t->time_since_epoch()).count();
}

class Writer {
 public:
  explicit Writer(std::string instance) : instance_(EscapeLabel(instance)) {}

  void Family(const char* name, const char* type, const char* help) {
    text_ += std::string("# HELP ") + name + " " + help + "\n";
    text_ += std::string("# TYPE ") + name + " " + type + "\n";
  }
  void Sample(const char* name, double value, const std::string& labels = "") {
    text_ += std::string(name) + "{instance=\"" + instance_ + "\"" + labels + "} " + Number(value) +
             "\n";
  }
  void Single(const char* name, const char* type, const char* help, double value) {
    Family(name, type, help);
    Sample(name, value);
  }
  const std::string& text() const { return text_; }

 private:
  std::string instance_;
  std::string text_;
};

/// github only, once a poll saw the newest release: absent otherwise, so that
/// no alert fires on a value nobody measured.
void WriteNewestRelease(const StatusSnapshot& s, Writer* w) {
  if (!s.versions_behind) return;
  w->Single("nymvisor_versions_behind", "gauge",
            "How far the node runs behind the newest release of its train, as nym-api weighs "
            "it (100 per major, 10 per minor, 1 per patch).",
            static_cast<double>(*s.versions_behind));
  w->Single("nymvisor_config_score", "gauge",
            "The config score nym-api gives for that (1 when up to date).",
            s.config_score.value_or(1.0));
}

/// Only with a fleet (docs/fleet.md), so hosts without one show no fleet series.
void WriteFleet(const StatusSnapshot& s, Writer* w) {
  if (!s.fleet) return;
  w->Single("nymvisor_fleet_halted", "gauge",
            "1 while the fleet rollout of the version this instance wants is halted.",
            s.fleet->halt ? 1 : 0);
  w->Single("nymvisor_fleet_slot_held", "gauge",
            "1 while this instance holds one of its fleet group's slots.",
            FleetSlotHeld(*s.fleet) ? 1 : 0);
  w->Family("nymvisor_fleet_waiting", "gauge",
            "1 for what an upgrade waits for before its fleet slot (all 0: not waiting).");
  for (std::string_view reason : kFleetWaitReasons) {
    w->Sample("nymvisor_fleet_waiting", s.fleet->waiting_for == reason ? 1 : 0,
              ",reason=\"" + std::string(reason) + "\"");
  }
}

void WriteStatus(const StatusSnapshot& s, Writer* w) {
  w->Family("nymvisor_build_info", "gauge", "The version the node runs, as labels; always 1.");
  w->Sample("nymvisor_build_info", 1,
            ",version=\"" + EscapeLabel(s.current_version) + "\",upgrade=\"" +
                EscapeLabel(s.current_upgrade) + "\"");
  w->Family("nymvisor_state", "gauge", "What the agent is doing: 1 for the current state.");
  for (AgentState state : kStates) {
    w->Sample("nymvisor_state", state == s.state ? 1 : 0,
              ",state=\"" + std::string(AgentStateName(state)) + "\"");
  }
  w->Single("nymvisor_held", "gauge", "1 while an operator holds upgrades.", s.held ? 1 : 0);
  w->Single("nymvisor_last_check_timestamp_seconds", "gauge",
            "When upstream was last asked (Unix time; 0 before the first check).",
            Seconds(s.last_check_time));
  w->Single("nymvisor_last_check_success", "gauge",
            "1 when the last check got usable upgrade information.",
            s.last_check_time && s.last_check_ok ? 1 : 0);
  w->Single("nymvisor_next_upgrade_timestamp_seconds", "gauge",
            "When the next queued upgrade will be applied, after its windows, age and spread "
            "(Unix time; 0 when none is queued or no time is known).",
            s.next_upgrade.empty() ? 0 : Seconds(s.next_upgrade_time));
  w->Single("nymvisor_last_upgrade_downtime_seconds", "gauge",
            "How long the node was down in its last upgrade.",
            static_cast<double>(s.last_downtime_usec) / 1e6);
  w->Single("nymvisor_download_progress_ratio", "gauge",
            "How much of the next upgrade's binary is downloaded (0 to 1; 0 when none is).",
            !s.download.empty() && s.progress ? *s.progress / 100.0 : 0);
  w->Family("nymvisor_upgrade_waiting_for", "gauge",
            "Why a due next upgrade waits: 1 for the reason (window, release-age, spread, held).");
  for (const char* reason : {"window", "release-age", "spread", "held"}) {
    w->Sample("nymvisor_upgrade_waiting_for", s.waiting_for == reason ? 1 : 0,
              ",reason=\"" + std::string(reason) + "\"");
  }
  WriteNewestRelease(s, w);
  WriteFleet(s, w);
}

void WriteCounts(const UpgradeCounts& c, Writer* w) {
  w->Single("nymvisor_upgrades_applied_total", "counter", "Upgrades applied and kept.",
            static_cast<double>(c.applied));
  w->Single("nymvisor_upgrades_failed_total", "counter",
            "Upgrades refused or abandoned before the switch.", static_cast<double>(c.failed));
  w->Single("nymvisor_upgrades_rolled_back_total", "counter",
            "Upgrades rolled back by the health gate or by an operator.",
            static_cast<double>(c.rolled_back));
  w->Single("nymvisor_upgrades_skipped_total", "counter", "Upgrades an operator skipped.",
            static_cast<double>(c.skipped));
}

}  // namespace

UpgradeCounts CountUpgrades(const UpgradeHistory& history) {
  UpgradeCounts c;
  for (const HistoryEntry& e : history.history) {
    switch (e.outcome) {
      case UpgradeOutcome::kCompleted:
        ++c.applied;
        break;
      case UpgradeOutcome::kFailed:
      case UpgradeOutcome::kRefused:
        ++c.failed;
        break;
      case UpgradeOutcome::kRolledBack:
      case UpgradeOutcome::kReverted:
        ++c.rolled_back;
        break;
      case UpgradeOutcome::kSkipped:
        ++c.skipped;
        break;
    }
  }
  return c;
}

std::string FormatMetrics(const StatusSnapshot& status, const UpgradeCounts& counts,
                          Duration poll_interval) {
  Writer w(status.instance_id);
  WriteStatus(status, &w);
  WriteCounts(counts, &w);
  if (poll_interval > Duration::zero()) {
    w.Single("nymvisor_poll_interval_seconds", "gauge",
             "How often the agent asks upstream (upstream_polling_rate; each check may come up "
             "to a jitter later).",
             std::chrono::duration<double>(poll_interval).count());
  }
  return w.text();
}

}  // namespace nymvisor
