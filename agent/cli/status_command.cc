#include "agent/cli/status_command.h"

#include <algorithm>
#include <cstdio>

#include "agent/config/upstream_source.h"
#include "agent/shell/record_store.h"

namespace nymvisor {
namespace {

std::string When(Timestamp t, Timestamp now) {
  std::string full = FormatTimestamp(std::chrono::floor<std::chrono::seconds>(t));
  std::string text = full.substr(0, 10) + " " + full.substr(11, 5) + " UTC";
  Duration d = std::chrono::floor<std::chrono::minutes>(t > now ? t - now : now - t);
  std::string span = d < std::chrono::minutes(1) ? "now" : FormatDuration(d);
  if (span == "now") return text + " (now)";
  return text + (t > now ? " (in " + span + ")" : " (" + span + " ago)");
}

/// "     Label: value", the labels right-aligned like systemctl's.
std::string Line(const std::string& label, const std::string& value) {
  std::string padded(std::max<int>(0, 11 - static_cast<int>(label.size())), ' ');
  return padded + label + ": " + value + "\n";
}

std::string NextLine(const StatusSnapshot& s, Timestamp now) {
  if (s.next_upgrade.empty()) return "none queued";
  std::string text = s.next_upgrade + " (" + s.next_upgrade_version + ")";
  if (s.next_upgrade_time) text += " at " + When(*s.next_upgrade_time, now);
  if (s.next_upgrade_time && *s.next_upgrade_time <= now && !s.held) {
    text += ", due: " + s.current_version + " is behind, it upgrades once staged";
  }
  if (s.next_upgrade_staged) text += ", staged";
  if (s.next_upgrade_waits_for_binary) text += ", waiting for its binary (add-upgrade)";
  if (!s.waiting_for.empty()) text += ", waiting for: " + s.waiting_for;
  return text;
}

/// "group g as mixnode@..., max_unavailable 1, canary; holding; waits for ...".
std::string FleetLine(const FleetStatus& f) {
  std::string text = "group " + f.group + " as " + f.holder + ", max_unavailable " +
                     std::to_string(f.max_unavailable) + (f.canary ? ", canary" : "");
  if (!f.phase.empty()) text += "; slot " + f.phase;
  if (!f.waiting_for.empty()) text += "; waiting for " + f.waiting_for + ": " + f.detail;
  if (f.halt) {
    text += "; halted: " + f.halt->version + " by " + f.halt->holder + " at " +
            FormatTimestamp(f.halt->time) +
            (f.halt->reason.empty() ? "" : " (" + f.halt->reason + ")");
  }
  return text;
}

/// "github nymtech/nym, tags nym-binaries-v* (<url>)" or the upgrade-info URL.
std::string UpstreamLine(const StatusSnapshot& s) {
  if (s.upstream_source == "github") {
    return "github " + s.upstream_repository + ", tags " + s.upstream_tag_prefix + "* (" +
           s.upstream_url + ")";
  }
  return s.upstream_source + " " + s.upstream_url;
}

/// "1.2.0: 10 versions behind (config score 0.80)" or "1.2.0 (up to date)".
std::string NewestLine(const StatusSnapshot& s) {
  if (!s.versions_behind)
    return s.newest_release + " (not comparable with " + s.current_version + ")";
  if (*s.versions_behind == 0) return s.newest_release + " (up to date)";
  char score[32];
  std::snprintf(score, sizeof score, "%.2f", s.config_score.value_or(1.0));
  return s.newest_release + ": " + std::to_string(*s.versions_behind) +
         " versions behind as nym-api weighs it (config score " + score + ")";
}

std::string FailingLine(const StatusSnapshot& s, Timestamp now) {
  std::string text = s.upstream_failure;
  if (s.upstream_failing_since) {
    text += " (every poll since " + When(*s.upstream_failing_since, now) + ", " +
            std::to_string(s.upstream_failed_polls) + " in a row)";
  }
  return text;
}

std::string ProgressLine(const StatusSnapshot& s, bool terminal) {
  std::string what = s.step ? FormatStatusLine(s) : "downloading " + s.download;
  if (!s.progress) return what;
  return (terminal ? ProgressBar(*s.progress) : std::to_string(*s.progress) + "%") + " " + what;
}

}  // namespace

std::string ProgressBar(uint32_t percent, int width) {
  int filled = static_cast<int>(std::min<uint32_t>(percent, 100) * width / 100);
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
         std::to_string(std::min<uint32_t>(percent, 100)) + "%";
}

std::string RenderStatus(const StatusSnapshot& s, Timestamp now, bool terminal,
                         StatusSource source) {
  std::string out = (terminal ? "\u25cf " : "* ") + std::string("nymvisor@") + s.instance_id +
                    " - upgrade agent of " + s.node_unit + "\n";
  std::string state(AgentStateName(s.state));
  if (source == StatusSource::kFiles) state = "not running (read from the files)";
  out += Line("State", state);
  out += Line("Running", s.current_version + " (" + s.current_upgrade + ")");
  if (s.step || !s.download.empty()) out += Line("Progress", ProgressLine(s, terminal));
  out += Line("Next", NextLine(s, now));
  if (!s.node_left_down.empty()) out += Line("Node down", s.node_left_down);
  if (s.held) out += Line("Held", "yes: no upgrade is applied until 'nymvisor resume'");
  if (s.fleet) out += Line("Fleet", FleetLine(*s.fleet));
  if (s.last_check_time) {
    out += Line("Last check", When(*s.last_check_time, now) + ": " + s.last_check_result);
  } else if (source == StatusSource::kAgent) {
    out += Line("Last check", "not yet");
  } else {
    out += Line("Last check", "unknown (no agent is running to check)");
  }
  if (s.next_check_time) out += Line("Next check", When(*s.next_check_time, now));
  if (!s.upstream_source.empty()) out += Line("Upstream", UpstreamLine(s));
  if (!s.newest_release.empty()) out += Line("Newest", NewestLine(s));
  if (!s.upstream_failure.empty()) {
    out += Line("Failing", FailingLine(s, now));
    out += Line("Hint", s.upstream_hint);
  }
  if (!s.last_upgrade.empty()) {
    std::string last = s.last_upgrade + ": " + s.last_upgrade_result;
    if (!s.last_outcome.empty()) last += " (" + s.last_outcome + ")";
    out += Line("Last", last);
  }
  if (s.last_downtime_usec != 0) {
    out +=
        Line("Downtime", std::to_string(s.last_downtime_usec / 1000) + " ms in the last upgrade");
  }
  if (!s.last_error.empty()) out += Line("Last error", s.last_error);
  return out;
}

std::string RenderHistory(const UpgradeHistory& history) {
  if (history.history.empty()) return "no upgrades yet\n";
  std::string out = "TIME                  UPGRADE               VERSION     RESULT       REASON\n";
  auto column = [](std::string text, size_t width) {
    if (text.size() < width) text.resize(width, ' ');
    return text + " ";
  };
  for (const HistoryEntry& e : history.history) {
    std::string full = FormatTimestamp(std::chrono::floor<std::chrono::seconds>(e.performed_at));
    out += column(full.substr(0, 10) + " " + full.substr(11, 5) + " UTC", 21) +
           column(e.info.name, 21) + column(e.info.version, 11) +
           column(std::string(OutcomeName(e.outcome)), 12) + e.reason + "\n";
  }
  return out;
}

Result<StatusSnapshot> StatusFromFiles(const Config& config, FileSystem& files) {
  RecordStore store(files, MakeLayout(config));
  StatusSnapshot s;
  s.instance_id = config.nymvisor.id;
  s.node_unit = EffectiveUnit(config);
  s.upstream_source = config.nymvisor.upstream_source;
  s.upstream_url = PolledUrl(config);
  if (s.upstream_source == "github") {
    s.upstream_repository = config.nymvisor.github_repository;
    s.upstream_tag_prefix = config.nymvisor.github_tag_prefix;
  }
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store.LoadPlan());
  Result<CurrentVersion> current = store.LoadCurrentVersion();
  s.current_version = current.ok() ? current->version : plan.current.version;
  s.current_upgrade = current.ok() ? current->name : plan.current.name;
  if (!plan.queued_up.empty()) {
    s.next_upgrade = plan.queued_up.front().name;
    s.next_upgrade_version = plan.queued_up.front().version;
    s.next_upgrade_time = plan.queued_up.front().upgrade_time;
  }
  s.held = store.LoadHold().ok();
  if (Result<NodeDownRecord> down = store.LoadNodeDown(); down.ok()) {
    s.node_left_down = DescribeNodeDown(*down);
    s.node_down = true;
  }
  s.state = DeriveState(s);
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, store.LoadHistory());
  if (!history.history.empty()) {
    const HistoryEntry& last = history.history.back();
    s.last_upgrade = last.info.name;
    s.last_upgrade_result = std::string(OutcomeName(last.outcome));
    s.last_outcome = last.reason;
  }
  return s;
}

}  // namespace nymvisor
