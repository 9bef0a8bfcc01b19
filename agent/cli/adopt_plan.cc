#include "agent/cli/adopt_plan.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "agent/config/config_keys.h"

namespace nymvisor {

Result<std::vector<std::string>> ParseShownExecStart(std::string_view shown) {
  constexpr std::string_view kArgv = "argv[]=";
  size_t start = shown.find(kArgv);
  if (start == std::string_view::npos) return Status::Error("the unit has no ExecStart");
  start += kArgv.size();
  size_t end = shown.find(" ;", start);
  std::string_view line = shown.substr(start, end == std::string_view::npos ? end : end - start);
  std::vector<std::string> argv;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t space = line.find(' ', pos);
    if (space == std::string_view::npos) space = line.size();
    if (space > pos) argv.emplace_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  if (argv.empty()) return Status::Error("the unit's ExecStart is empty");
  return argv;
}

std::optional<std::filesystem::path> OriginalHomeOf(const std::filesystem::path& config_path) {
  std::filesystem::path p = config_path.lexically_normal();
  // .../<home>/.nym/nymvisors/instances/<id>/config/config.toml
  std::vector<std::string> parts;
  for (const auto& part : p) parts.push_back(part.string());
  if (parts.size() < 7) return std::nullopt;
  size_t n = parts.size();
  if (parts[n - 1] != "config.toml" || parts[n - 2] != "config" || parts[n - 4] != "instances" ||
      parts[n - 5] != "nymvisors" || parts[n - 6] != ".nym") {
    return std::nullopt;
  }
  return p.parent_path().parent_path().parent_path().parent_path().parent_path().parent_path();
}

std::filesystem::path OriginalDataDirectory(const std::filesystem::path& home,
                                            const std::string& daemon_name) {
  return home / ".nym" / "nymvisors" / "data" / daemon_name;
}

std::filesystem::path NymNodeHome(const std::filesystem::path& account_home,
                                  const std::vector<std::string>& args) {
  std::string id = "default-nym-node";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--id" && i + 1 < args.size()) id = args[i + 1];
    if (args[i].starts_with("--id=")) id = args[i].substr(5);
  }
  return account_home / ".nym" / "nym-nodes" / id;
}

std::vector<std::string> InitArgumentsFor(const Config& config, const std::string& binary) {
  std::vector<std::string> args = {"init"};
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.init.name.empty()) continue;
    std::string value = ValueAsText(key, config);
    if (key.init.bare()) {
      if (value == "true") args.emplace_back(key.init.name);
      continue;
    }
    if (value.empty()) continue;
    args.emplace_back(key.init.name);
    args.push_back(value);
  }
  args.push_back(binary);
  args.emplace_back("--");
  args.insert(args.end(), config.daemon.args.begin(), config.daemon.args.end());
  return args;
}

namespace {

struct SpanUnit {
  std::string_view name;
  uint64_t nanos;
};

// The units systemd's format_timespan() prints (months and years as
// systemd counts them).
constexpr SpanUnit kSpanUnits[] = {
    {"y", 31'557'600'000'000'000},
    {"month", 2'629'800'000'000'000},
    {"w", 604'800'000'000'000},
    {"d", 86'400'000'000'000},
    {"h", 3'600'000'000'000},
    {"min", 60'000'000'000},
    {"s", 1'000'000'000},
    {"ms", 1'000'000},
    {"us", 1'000},
    {"\xce\xbcs", 1'000},  // "μs", in a UTF-8 locale
};

/// One "<digits>[.<digits>]<unit>" item, in nanoseconds.
Result<uint64_t> ParseSpanItem(std::string_view item) {
  size_t digits = item.find_first_not_of("0123456789.");
  if (digits == 0 || digits == std::string_view::npos) return Status::Error("no unit");
  std::string_view number = item.substr(0, digits);
  std::string_view unit = item.substr(digits);
  for (const SpanUnit& u : kSpanUnits) {
    if (u.name != unit) continue;
    size_t dot = number.find('.');
    std::string whole(number.substr(0, dot));
    std::string fraction = dot == std::string_view::npos ? "" : std::string(number.substr(dot + 1));
    if (whole.empty() || fraction.find('.') != std::string::npos || whole.size() > 18) break;
    uint64_t count = std::stoull(whole);
    if (count > static_cast<uint64_t>(INT64_MAX) / u.nanos) break;
    uint64_t nanos = count * u.nanos;
    uint64_t scale = u.nanos;
    for (char c : fraction.substr(0, 9)) {
      scale /= 10;
      nanos += static_cast<uint64_t>(c - '0') * scale;
    }
    return nanos;
  }
  return Status::Error("unknown unit");
}

}  // namespace

Result<Duration> ParseShownTimespan(std::string_view text) {
  if (text == "0") return Duration::zero();
  uint64_t total = 0;
  size_t pos = 0;
  bool any = false;
  while (pos < text.size()) {
    size_t space = std::min(text.find(' ', pos), text.size());
    if (space > pos) {
      Result<uint64_t> item = ParseSpanItem(text.substr(pos, space - pos));
      if (!item.ok() || *item > static_cast<uint64_t>(INT64_MAX) - total) break;
      total += *item;
      any = true;
    }
    pos = space + 1;
  }
  if (!any || pos < text.size() + 1) {
    return Status::Error("'" + std::string(text) + "' is not a finite time span");
  }
  return Duration(static_cast<int64_t>(total));
}

namespace {

Status DoesNotFit(const std::string& unit, const std::string& setting, const std::string& why) {
  return Status::Error(unit + " has " + setting + ", which nymvisor cannot keep: " + why +
                       ". Change it in " + unit + " (systemctl edit " + unit +
                       "), run systemctl daemon-reload and adopt again");
}

}  // namespace

Status KeepUnitRestartSettings(const UnitRestartSettings& shown, const std::string& unit,
                               Config* config) {
  DaemonSection& d = config->daemon;
  if (shown.restart != "no" && shown.restart != "on-failure") {
    return DoesNotFit(unit, "Restart=" + shown.restart,
                      "daemon.restart_on_failure gives Restart=on-failure or Restart=no");
  }
  d.restart_on_failure = shown.restart == "on-failure";
  Result<Duration> delay = ParseShownTimespan(shown.restart_usec);
  if (!delay.ok()) return DoesNotFit(unit, "RestartSec=" + shown.restart_usec, "not a time span");
  d.failure_restart_delay = *delay;
  Result<uint64_t> burst = ParseCount(shown.start_limit_burst);
  if (!burst.ok()) {
    return DoesNotFit(unit, "StartLimitBurst=" + shown.start_limit_burst, burst.status().message());
  }
  d.max_startup_failures = *burst;
  Result<Duration> interval = ParseShownTimespan(shown.start_limit_interval_usec);
  if (!interval.ok()) {
    return DoesNotFit(unit, "StartLimitIntervalSec=" + shown.start_limit_interval_usec,
                      "daemon.startup_period_duration is a finite time span");
  }
  if (*interval == Duration::zero()) {
    d.max_startup_failures = UINT32_MAX;  // no start limit: no burst reaches it
  } else {
    d.startup_period_duration = std::max<Duration>(*interval, std::chrono::seconds(1));
  }
  Duration health = DefaultConfig(d.name).daemon.startup_period_duration;
  if (d.health_check_period == Duration::zero() && d.startup_period_duration < health) {
    d.health_check_period = health;  // the unit's start limit does not shorten the check
  }
  Result<Duration> stop = ParseShownTimespan(shown.timeout_stop_usec);
  if (!stop.ok() || *stop < std::chrono::seconds(1)) {
    return DoesNotFit(unit, "TimeoutStopSec=" + shown.timeout_stop_usec,
                      "daemon.shutdown_grace_period is a time span of at least 1s");
  }
  d.shutdown_grace_period = *stop;
  return {};
}

std::string FormatAdoptRecord(const AdoptRecord& r) {
  Json j{{"kind", r.kind},
         {"source", r.source},
         {"configPath", r.config_path},
         {"binary", r.binary},
         {"unit", r.unit}};
  return DumpJsonCompact(j) + "\n";
}

Result<AdoptRecord> ParseAdoptRecord(std::string_view text) {
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  AdoptRecord r;
  NV_ASSIGN_OR_RETURN(r.kind, GetString(j, "kind"));
  NV_ASSIGN_OR_RETURN(r.source, GetString(j, "source"));
  NV_ASSIGN_OR_RETURN(r.config_path, GetString(j, "configPath"));
  NV_ASSIGN_OR_RETURN(r.binary, GetString(j, "binary"));
  NV_ASSIGN_OR_RETURN(r.unit, GetString(j, "unit"));
  return r;
}

}  // namespace nymvisor
