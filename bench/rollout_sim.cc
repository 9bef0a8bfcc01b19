// nymvisor-rollout-sim: benchmark B8, the network at release time. 1,000
// simulated instances, each with its own machine id, time zone and
// maintenance windows, go through one release; the start of each one's
// upgrade comes from the agent's own pure schedule code (ExpandWindows,
// RolloutHash, PlanStart) and the real tzdb. Reports, for each
// rollout_spread, the most instances down in one minute and the share of
// the network still on the old version after 1, 6, 24 and 48 hours, with
// ratios to spread 0 (what every node does without one). Deterministic:
// a fixed seed and release instant give the same figures on any machine
// with the same tzdata. Not installed; no timing runs in ctest.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "agent/adapters/tzdb_time_zones.h"
#include "agent/base/duration.h"
#include "agent/base/semver.h"
#include "agent/base/timestamp.h"
#include "agent/decide/config_score.h"
#include "agent/decide/maintenance_window.h"
#include "agent/decide/upgrade_policy.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 5> kZones = {"UTC", "Europe/Berlin", "America/New_York",
                                                    "Asia/Singapore", "Australia/Sydney"};

/// A kind of operator: the windows it sets, and how many in 100 set them.
struct WindowClass {
  std::string_view name;
  int percent;
  std::string_view spec;  ///< empty: no windows (any time)
};
constexpr std::array<WindowClass, 4> kWindowClasses = {{
    {"none", 30, ""},
    {"daily 02:00-04:00", 40, "02:00-04:00"},
    {"Mon..Fri 22:00-02:00", 20, "Mon..Fri 22:00-02:00"},
    {"Sat,Sun 03:00-05:00", 10, "Sat,Sun 03:00-05:00"},
}};

constexpr std::array<Duration, 4> kCheckpoints = {1h, 6h, 24h, 48h};
constexpr Duration kSeriesLength = 96h;

struct Options {
  int instances = 1000;
  uint64_t seed = 23;
  Timestamp release = {};
  std::vector<Duration> spreads = {0h, 1h, 6h, 24h};
  Duration downtime = 2min;
  Duration min_release_age = 0s;
  std::string old_version = "1.31.0", new_version = "1.32.0";
  bool json = false;
};

struct Instance {
  std::string machine_id;
  size_t zone = 0;
  size_t window_class = 0;
  uint64_t hash = 0;
};

/// `n` indices in a seeded order (Fisher-Yates on mt19937_64's raw output,
/// which the standard fixes, unlike its distributions).
std::vector<size_t> Shuffled(size_t n, std::mt19937_64& rng) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

/// The instances: distinct machine ids (32 hex digits, as /etc/machine-id),
/// zones in equal shares and window classes in kWindowClasses' shares, the
/// two assigned independently of each other.
std::vector<Instance> MakeInstances(const Options& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<Instance> out(options.instances);
  for (Instance& instance : out) {
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    instance.machine_id = id;
    instance.hash = RolloutHash(instance.machine_id, "mixnode");
  }
  std::vector<size_t> by_zone = Shuffled(out.size(), rng), by_window = Shuffled(out.size(), rng);
  for (size_t i = 0; i < out.size(); ++i) out[by_zone[i]].zone = i * kZones.size() / out.size();
  size_t next = 0;
  for (size_t c = 0; c < kWindowClasses.size(); ++c) {
    size_t end = c + 1 == kWindowClasses.size()
                     ? out.size()
                     : next + out.size() * kWindowClasses[c].percent / 100;
    for (; next < end; ++next) out[by_window[next]].window_class = c;
  }
  return out;
}

/// What the agent's MakePolicy computes: the windows expanded in the zone,
/// each shortened by what an upgrade needs. Keyed by (zone, class).
using Startable = std::map<std::pair<size_t, size_t>, std::vector<TimeInterval>>;

Result<Startable> ExpandAll(const Options& options) {
  TzdbTimeZones zones;
  // As MakePolicy at the release: from a day before to the horizon after
  // the upgrade is due.
  Timestamp from = options.release - 24h;
  Timestamp to = options.release + options.min_release_age + kPlanHorizon;
  Startable out;
  for (size_t z = 0; z < kZones.size(); ++z) {
    NV_ASSIGN_OR_RETURN(ZoneOffsets offsets, zones.Offsets(kZones[z], from - 72h, to + 72h));
    for (size_t c = 0; c < kWindowClasses.size(); ++c) {
      if (kWindowClasses[c].spec.empty()) continue;
      NV_ASSIGN_OR_RETURN(WindowSpec spec, ParseWindowSpec(kWindowClasses[c].spec));
      std::vector<WindowSpec> specs = {spec};
      out[{z, c}] = StartableTimes(specs, offsets, from, to, options.downtime);
    }
  }
  return out;
}

/// Each instance's upgrade start under `spread` (unset: no window within
/// the horizon). A start outside the instance's windows is an error: the
/// schedule code broke its own contract.
Result<std::vector<std::optional<Timestamp>>> PlanAll(const Options& options,
                                                      const std::vector<Instance>& instances,
                                                      const Startable& startable, Duration spread) {
  UpgradeInfo info;
  info.name = "v2026.10";
  info.version = options.new_version;
  info.publish_date = options.release;
  info.upgrade_time = options.release;
  std::vector<std::optional<Timestamp>> out;
  for (const Instance& instance : instances) {
    UpgradePolicy policy{.min_release_age = options.min_release_age,
                         .spread = spread,
                         .rollout_hash = instance.hash};
    auto found = startable.find({instance.zone, instance.window_class});
    if (found != startable.end()) {
      policy.windowed = true;
      policy.startable = found->second;
    }
    PlannedStart plan = PlanStart(info, std::nullopt, policy, options.release);
    if (plan.at && policy.windowed &&
        std::none_of(policy.startable.begin(), policy.startable.end(), [&](const TimeInterval& i) {
          return i.begin <= *plan.at && *plan.at < i.end;
        }))
      return Status::Error("instance " + instance.machine_id + " starts outside its windows at " +
                           FormatTimestamp(*plan.at));
    out.push_back(plan.at);
  }
  return out;
}

double Hours(Duration d) { return std::chrono::duration<double, std::ratio<3600>>(d).count(); }

/// "0h", "1h", "48h", "90m": the labels of spreads and checkpoints.
std::string Label(Duration d) {
  if (d % 1h == Duration::zero()) return std::to_string(d / 1h) + "h";
  return std::to_string(d / 1min) + "m";
}

/// The figures of one spread: down per minute since the release (an
/// instance counts in every minute its downtime touches), the share on
/// the old version, and the time behind.
Json Measure(const Options& options, const std::vector<std::optional<Timestamp>>& starts,
             double score_lost_per_hour) {
  std::vector<int> down((options.min_release_age + kPlanHorizon) / 1min + 1440, 0);
  double behind_sum = 0, behind_max = 0;
  int never = 0;
  for (const std::optional<Timestamp>& at : starts) {
    if (!at) {
      ++never;
      continue;
    }
    auto first = (*at - options.release) / 1min,
         last = (*at + options.downtime - 1ns - options.release) / 1min;
    for (auto m = std::max<int64_t>(first, 0); m <= last && m < int64_t(down.size()); ++m)
      ++down[m];
    double behind = Hours(*at + options.downtime - options.release);
    behind_sum += behind;
    behind_max = std::max(behind_max, behind);
  }
  auto peak = std::max_element(down.begin(), down.end());
  auto old_at = [&](Duration t) {
    int old = 0;
    for (const auto& at : starts) old += !at || *at + options.downtime > options.release + t;
    return double(old) / starts.size();
  };
  Json out = {{"peak_down", *peak}, {"peak_minute", peak - down.begin()}, {"never", never}};
  for (Duration t : kCheckpoints) out["old_after_" + Label(t)] = old_at(t);
  double mean = starts.size() > size_t(never) ? behind_sum / (starts.size() - never) : 0;
  out["mean_hours_behind"] = mean;
  out["max_hours_behind"] = behind_max;
  out["score_hours_lost"] = mean * score_lost_per_hour;
  Json series = {{"down_per_minute", Json::array()}, {"old_share_per_10min", Json::array()}};
  for (int m = 0; m < kSeriesLength / 1min; ++m) series["down_per_minute"].push_back(down[m]);
  for (Duration t = 0h; t <= kSeriesLength; t += 10min)
    series["old_share_per_10min"].push_back(old_at(t));
  out["series"] = std::move(series);
  return out;
}

/// All spreads, as JSON. The config score's cost of a node behind comes
/// from the real VersionsBehind and ConfigScore for old -> new.
Result<Json> Run(const Options& options) {
  NV_ASSIGN_OR_RETURN(SemanticVersion old_v, ParseSemanticVersion(options.old_version));
  NV_ASSIGN_OR_RETURN(SemanticVersion new_v, ParseSemanticVersion(options.new_version));
  uint64_t behind = VersionsBehind(old_v, new_v);
  std::vector<Instance> instances = MakeInstances(options);
  NV_ASSIGN_OR_RETURN(Startable startable, ExpandAll(options));
  Json out = {{"release", FormatTimestamp(options.release)},
              {"instances", options.instances},
              {"seed", options.seed},
              {"downtime", FormatDuration(options.downtime)},
              {"min_release_age", FormatDuration(options.min_release_age)},
              {"old_version", options.old_version},
              {"new_version", options.new_version},
              {"versions_behind", behind},
              {"config_score_behind", ConfigScore(behind)},
              {"zones", kZones},
              {"spreads", Json::array()}};
  for (const WindowClass& c : kWindowClasses) out["windows"][std::string(c.name)] = c.percent;
  for (Duration spread : options.spreads) {
    NV_ASSIGN_OR_RETURN(auto starts, PlanAll(options, instances, startable, spread));
    Json figures = Measure(options, starts, 1.0 - ConfigScore(behind));
    figures["spread"] = Label(spread);
    figures["spread_hours"] = Hours(spread);
    out["spreads"].push_back(std::move(figures));
  }
  return out;
}

/// A figure and its ratio to spread 0's.
std::string WithRatio(double value, double baseline, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  std::string out = text;
  if (baseline != 0) {
    std::snprintf(text, sizeof text, " (%.2fx)", value / baseline);
    out += text;
  }
  return out;
}

void PrintTable(const Json& report) {
  const Json& base = report["spreads"][0];
  std::printf("B8: %d instances, release %s, %s down each, baseline: spread %s\n",
              report["instances"].get<int>(), report["release"].get<std::string>().c_str(),
              report["downtime"].get<std::string>().c_str(),
              base["spread"].get<std::string>().c_str());
  for (const Json& s : report["spreads"]) {
    std::printf("spread %-4s peak down/min %-14s", s["spread"].get<std::string>().c_str(),
                WithRatio(s["peak_down"], base["peak_down"], "%.0f").c_str());
    for (Duration t : kCheckpoints) {
      std::string key = "old_after_" + Label(t);
      std::printf(
          " old@%-3s %-15s", Label(t).c_str(),
          WithRatio(s[key].get<double>() * 100, base[key].get<double>() * 100, "%.1f%%").c_str());
    }
    std::printf(" mean behind %s\n",
                WithRatio(s["mean_hours_behind"], base["mean_hours_behind"], "%.2f h").c_str());
  }
}

}  // namespace
}  // namespace nymvisor

namespace {

using nymvisor::Duration;
using nymvisor::Result;

constexpr const char* kUsage =
    "usage: nymvisor-rollout-sim [--json] [--instances N] [--seed N] [--release RFC3339]\n"
    "         [--spreads 0,1h,6h,24h] [--downtime 2m] [--min-release-age 0s]\n";

/// The spreads of `--spreads`, comma-separated durations.
Result<std::vector<Duration>> ParseSpreads(std::string_view text) {
  std::vector<Duration> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (item == "0") {
      out.push_back(Duration::zero());
    } else {
      NV_ASSIGN_OR_RETURN(Duration d, nymvisor::ParseDuration(item));
      out.push_back(d);
    }
    text = comma == std::string_view::npos ? "" : text.substr(comma + 1);
  }
  if (out.empty()) return nymvisor::Status::Error("--spreads: no spread given");
  return out;
}

/// One `--flag value`; an error names the flag.
nymvisor::Status ApplyFlag(nymvisor::Options& o, std::string_view flag, const std::string& value) {
  auto named = [&](const nymvisor::Status& s) {
    return s.ok() ? s : nymvisor::Status::Error(std::string(flag) + ": " + s.message());
  };
  if (flag == "--instances" || flag == "--seed") {
    char* end = nullptr;
    unsigned long long n = std::strtoull(value.c_str(), &end, 10);
    bool count = !value.empty() && *end == 0 && (flag == "--seed" || (n > 0 && n <= 1000000));
    if (!count)
      return nymvisor::Status::Error(std::string(flag) + ": not a count: '" + value + "'");
    if (flag == "--seed") o.seed = n;
    if (flag == "--instances") o.instances = static_cast<int>(n);
    return nymvisor::Status();
  }
  Result<Duration> d = nymvisor::ParseDuration(value);
  if (flag == "--release") {
    Result<nymvisor::Timestamp> t = nymvisor::ParseTimestamp(value);
    if (!t.ok()) return named(t.status());
    o.release = *t;
  } else if (flag == "--spreads") {
    Result<std::vector<Duration>> s = ParseSpreads(value);
    if (!s.ok()) return named(s.status());
    o.spreads = *s;
  } else if (flag == "--downtime" || flag == "--min-release-age") {
    if (!d.ok()) return named(d.status());
    (flag == "--downtime" ? o.downtime : o.min_release_age) = *d;
  } else {
    return nymvisor::Status::Error("unknown option '" + std::string(flag) + "'");
  }
  return nymvisor::Status();
}

}  // namespace

int main(int argc, char** argv) {
  nymvisor::Options options;
  options.release = *nymvisor::ParseTimestamp("2026-12-08T14:00:00Z");
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--json") {
      options.json = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "nymvisor-rollout-sim: %s needs a value\n%s", argv[i], kUsage);
      return 2;
    }
    nymvisor::Status applied = ApplyFlag(options, flag, argv[++i]);
    if (!applied.ok()) {
      std::fprintf(stderr, "nymvisor-rollout-sim: %s\n%s", applied.message().c_str(), kUsage);
      return 2;
    }
  }
  Result<nymvisor::Json> report = nymvisor::Run(options);
  if (!report.ok()) {
    std::fprintf(stderr, "nymvisor-rollout-sim: %s\n", report.status().message().c_str());
    return 1;
  }
  if (options.json) {
    std::cout << report->dump(1) << "\n";
  } else {
    nymvisor::PrintTable(*report);
  }
  return 0;
}
