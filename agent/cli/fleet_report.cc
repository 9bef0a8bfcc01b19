#include "agent/cli/fleet_report.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/base/semver.h"
#include "agent/base/strings.h"
#include "agent/decide/fleet_view.h"

namespace nymvisor {
namespace {

using Kind = FleetHaltCause;

/// "2026-11-26 11:55 UTC (5m ago)"; "-" for an unknown time.
std::string When(Timestamp t, Timestamp now) {
  if (t == Timestamp{}) return "-";
  std::string full = FormatTimestamp(std::chrono::floor<std::chrono::seconds>(t));
  std::string text = full.substr(0, 10) + " " + full.substr(11, 5) + " UTC";
  Duration d = std::chrono::floor<std::chrono::minutes>(t > now ? t - now : now - t);
  if (d < std::chrono::minutes(1)) return text + " (now)";
  return text + (t > now ? " (in " : " (") + FormatDuration(d) + (t > now ? ")" : " ago)");
}

std::string TimeJson(Timestamp t) { return t == Timestamp{} ? "" : FormatTimestamp(t); }

/// Newest first by semver; what does not parse sorts after, by text.
bool Newer(const std::string& a, const std::string& b) {
  Result<SemanticVersion> va = ParseSemanticVersion(a);
  Result<SemanticVersion> vb = ParseSemanticVersion(b);
  if (va.ok() && vb.ok() && CompareVersions(*va, *vb) != 0) return CompareVersions(*va, *vb) > 0;
  if (va.ok() != vb.ok()) return va.ok();
  return a > b;
}

/// The done marks by version, newest version first.
std::vector<std::pair<std::string, std::vector<FleetDone>>> DoneByVersion(const FleetView& view) {
  std::map<std::string, std::vector<FleetDone>> by;
  for (const FleetDone& d : view.done) by[d.version].push_back(d);
  std::vector<std::pair<std::string, std::vector<FleetDone>>> out(by.begin(), by.end());
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return Newer(a.first, b.first); });
  return out;
}

/// Every slot key in queue order (RankedSlots with no limit).
std::vector<FleetSlot> Queue(const FleetView& view) { return RankedSlots(view, view.slots.size()); }

bool HasSlot(const FleetView& view, const std::string& holder) {
  return std::any_of(view.slots.begin(), view.slots.end(),
                     [&](const FleetSlot& s) { return s.holder == holder; });
}

std::string Me(const FleetReport& r, const std::string& holder) {
  return !r.holder.empty() && holder == r.holder ? "  (this host)" : "";
}

void RenderSlots(const FleetReport& r, Timestamp now, std::ostream& out) {
  std::vector<FleetSlot> queue = Queue(r.view);
  out << "Slots: " << r.max_unavailable << " at a time (this host's fleet_max_unavailable)"
      << (queue.empty() ? "; none taken\n" : "\n");
  for (size_t i = 0; i < queue.size(); ++i) {
    const FleetSlot& s = queue[i];
    HolderParts parts = SplitHolder(s.holder);
    out << "  " << i + 1 << ". " << (i < r.max_unavailable ? "holding" : "queued ") << "  "
        << s.holder << Me(r, s.holder) << "\n"
        << "       instance " << parts.instance << ", machine " << parts.machine_id << ", version "
        << (s.version.empty() ? "?" : s.version) << (s.canary ? ", canary" : "") << ", since "
        << When(s.since, now) << "\n";
  }
}

void RenderProgress(const FleetReport& r, Timestamp now, std::ostream& out) {
  if (r.view.progress.empty()) return;
  out << "Upgrading (progress marks):\n";
  for (const FleetProgress& p : r.view.progress) {
    out << "  " << p.holder << Me(r, p.holder) << ": " << (p.version.empty() ? "?" : p.version)
        << " since " << When(p.since, now)
        << (HasSlot(r.view, p.holder) ? "" : "  ORPHAN: its slot's lease expired") << "\n";
  }
}

void RenderDone(const FleetReport& r, std::ostream& out) {
  auto by = DoneByVersion(r.view);
  out << "Done:" << (by.empty() ? " no host has committed a version through the fleet\n" : "\n");
  for (const auto& [version, marks] : by) {
    std::vector<std::string> hosts;
    for (const FleetDone& d : marks) hosts.push_back(d.holder + (d.canary ? " (canary)" : ""));
    out << "  " << version << ": " << marks.size() << (marks.size() == 1 ? " host: " : " hosts: ")
        << Join(hosts, ", ") << "\n";
  }
}

void RenderHalts(const FleetReport& r, Timestamp now, std::ostream& out) {
  std::vector<FleetHalt> halts = EffectiveHalts(r.view);
  if (halts.empty()) {
    out << "Halts: none\n";
    return;
  }
  out << "HALTED:\n";
  for (const FleetHalt& h : halts) {
    out << "  " << DescribeHalt(h) << "\n"
        << "    since " << When(h.time, now)
        << "; resume with: " << ClearHaltCommand(r.instance_id, h.version) << "\n";
  }
}

}  // namespace

HolderParts SplitHolder(const std::string& holder) {
  size_t at = holder.rfind('@');
  if (at == std::string::npos) return HolderParts{.instance = holder};
  return HolderParts{.instance = holder.substr(0, at), .machine_id = holder.substr(at + 1)};
}

std::string ClearHaltCommand(const std::string& instance_id, const std::string& version) {
  return "nymvisor fleet clear-halt --id " + instance_id + " --version " + version;
}

std::string DescribeHalt(const FleetHalt& h) {
  std::string who = h.holder.empty() ? "an unknown host" : h.holder;
  switch (h.cause) {
    case Kind::kRollback:
      return h.version + " is halted: " + who + " rolled it back: " + h.reason;
    case Kind::kLeaseExpired:
      return "ALL versions are halted: " + who +
             " lost its slot (its lease expired) while "
             "upgrading to " +
             h.version;
    case Kind::kOperator:
      return h.version + " is halted by an operator (on " + who + "): " + h.reason;
  }
  return h.version + " is halted";
}

std::string RenderFleetStatus(const FleetReport& r, Timestamp now) {
  std::ostringstream out;
  out << "Fleet group " << r.group << " (etcd revision " << r.view.revision << ")\n"
      << "This host: " << (r.holder.empty() ? "unknown (/etc/machine-id unreadable)" : r.holder)
      << "\n";
  RenderHalts(r, now, out);
  RenderSlots(r, now, out);
  RenderProgress(r, now, out);
  RenderDone(r, out);
  out << "Canaries: " << (r.view.canaries.empty() ? "none" : Join(r.view.canaries, ", ")) << "\n";
  return out.str();
}

namespace {

Json HolderJson(const std::string& holder) {
  HolderParts parts = SplitHolder(holder);
  return Json{{"holder", holder}, {"instance", parts.instance}, {"machineId", parts.machine_id}};
}

Json SlotsJson(const FleetReport& r) {
  Json slots = Json::array();
  std::vector<FleetSlot> queue = Queue(r.view);
  for (size_t i = 0; i < queue.size(); ++i) {
    Json s = HolderJson(queue[i].holder);
    s["rank"] = i + 1;
    s["state"] = i < r.max_unavailable ? "holding" : "queued";
    s["version"] = queue[i].version;
    s["since"] = TimeJson(queue[i].since);
    s["canary"] = queue[i].canary;
    s["lease"] = queue[i].lease;
    slots.push_back(std::move(s));
  }
  return slots;
}

Json ProgressJson(const FleetView& view) {
  Json marks = Json::array();
  for (const FleetProgress& p : view.progress) {
    Json m = HolderJson(p.holder);
    m["version"] = p.version;
    m["since"] = TimeJson(p.since);
    m["orphan"] = !HasSlot(view, p.holder);
    marks.push_back(std::move(m));
  }
  return marks;
}

Json DoneJson(const FleetView& view) {
  Json done = Json::array();
  for (const auto& [version, marks] : DoneByVersion(view)) {
    Json hosts = Json::array();
    for (const FleetDone& d : marks) {
      Json h = HolderJson(d.holder);
      h["canary"] = d.canary;
      h["committed"] = TimeJson(d.committed);
      hosts.push_back(std::move(h));
    }
    done.push_back(Json{{"version", version}, {"hosts", std::move(hosts)}});
  }
  return done;
}

Json HaltsJson(const FleetReport& r) {
  Json halts = Json::array();
  for (const FleetHalt& h : EffectiveHalts(r.view)) {
    bool keyed = std::any_of(r.view.halts.begin(), r.view.halts.end(),
                             [&](const FleetHalt& k) { return k.version == h.version; });
    halts.push_back(Json{{"version", h.version},
                         {"allVersions", h.cause == Kind::kLeaseExpired},
                         {"cause", FleetHaltCauseName(h.cause)},
                         {"reason", h.reason},
                         {"holder", h.holder},
                         {"time", TimeJson(h.time)},
                         {"implied", !keyed},
                         {"clearCommand", ClearHaltCommand(r.instance_id, h.version)}});
  }
  return halts;
}

}  // namespace

Json FleetStatusToJson(const FleetReport& r) {
  Json canaries = Json::array();
  for (const std::string& c : r.view.canaries) canaries.push_back(HolderJson(c));
  return Json{{"group", r.group},
              {"holder", r.holder},
              {"revision", r.view.revision},
              {"maxUnavailable", r.max_unavailable},
              {"halted", !EffectiveHalts(r.view).empty()},
              {"halts", HaltsJson(r)},
              {"slots", SlotsJson(r)},
              {"progress", ProgressJson(r.view)},
              {"done", DoneJson(r.view)},
              {"canaries", std::move(canaries)}};
}

}  // namespace nymvisor
