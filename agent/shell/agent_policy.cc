// The agent's schedule rules: maintenance windows, the release age and the
// rollout spread (issue 23), applied to DecideSchedule's decision.
#include <nlohmann/json.hpp>

#include "agent/decide/maintenance_window.h"
#include "agent/records/upgrade_waits.h"
#include "agent/shell/agent.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr Duration kReplanAfter = 24h;

}  // namespace

std::filesystem::path Agent::WaitsFile() const { return layout_.data_dir / "upgrade-waits.json"; }

UpgradeWaits Agent::LoadWaits() {
  UpgradeWaits waits;
  if (Result<std::string> text = deps_.files.ReadFile(WaitsFile()); text.ok()) {
    Result<UpgradeWaits> parsed = ParseUpgradeWaits(*text);
    if (parsed.ok()) waits = *parsed;
    if (!parsed.ok()) deps_.log.Warning(WaitsFile().string() + ": " + parsed.status().message());
  }
  return waits;
}

void Agent::SaveWaits(const UpgradeWaits& waits) {
  Status saved =
      deps_.files.WriteFileAtomic(WaitsFile(), DumpJsonPretty(UpgradeWaitsToJson(waits)), 0644);
  if (!saved.ok()) {
    deps_.log.Warning("cannot record when upgrades were first seen or postponed: " +
                      saved.message());
  }
}

std::optional<Timestamp> Agent::NoteFirstSeen(const UpgradePlan& plan, const UpgradeInfo& head) {
  UpgradeWaits waits = LoadWaits();
  UpgradeWaits next;
  for (const UpgradeInfo& entry : plan.queued_up) {
    if (auto due = waits.due_since.find(entry.name); due != waits.due_since.end()) {
      next.due_since.insert(*due);  // kept while it is queued
    }
    if (entry.publish_date) continue;
    auto known = waits.first_seen.find(entry.name);
    next.first_seen[entry.name] =
        known != waits.first_seen.end() ? known->second : deps_.clock.Now();
  }
  if (next != waits) SaveWaits(next);
  auto seen = next.first_seen.find(head.name);
  if (seen == next.first_seen.end()) return std::nullopt;
  return seen->second;
}

Timestamp Agent::GateDueSince(const std::string& name, Timestamp now) {
  UpgradeWaits waits = LoadWaits();
  auto due = waits.due_since.find(name);
  return due != waits.due_since.end() ? due->second : now;
}

void Agent::NoteDueSince(const std::string& name, Timestamp due_since) {
  UpgradeWaits waits = LoadWaits();
  auto [at, added] = waits.due_since.emplace(name, due_since);
  if (added) SaveWaits(waits);
}

void Agent::ForgetDueSince(const std::string& name) {
  UpgradeWaits waits = LoadWaits();
  if (waits.due_since.erase(name) != 0) SaveWaits(waits);
}

UpgradePolicy Agent::MakePolicy(Timestamp now, Timestamp due) {
  const NymvisorSection& n = config_.nymvisor;
  UpgradePolicy policy{.windowed = !n.upgrade_windows.empty(),
                       .min_release_age = n.min_release_age,
                       .spread = n.rollout_spread,
                       .rollout_hash = RolloutHash(deps_.machine_id, n.id)};
  if (!policy.windowed) return policy;
  std::vector<WindowSpec> specs;
  for (const std::string& text : n.upgrade_windows) {
    if (Result<WindowSpec> spec = ParseWindowSpec(text); spec.ok()) specs.push_back(*spec);
  }
  Timestamp from = now - 24h, to = std::max(now, due) + kPlanHorizon;
  ZoneOffsets zone = {{from - 72h, to + 72h, {}}};
  if (deps_.zones != nullptr && n.upgrade_time_zone != "UTC") {
    Result<ZoneOffsets> offsets = deps_.zones->Offsets(n.upgrade_time_zone, from - 72h, to + 72h);
    if (offsets.ok()) zone = *offsets;
    if (!offsets.ok()) deps_.log.Warning(offsets.status().message() + "; windows are read in UTC");
  }
  policy.startable = StartableTimes(specs, zone, from, to, UpgradeWindowNeeds(config_));
  return policy;
}

ScheduleDecision Agent::ApplyPolicy(ScheduleDecision decision, const UpgradePlan& plan) {
  using Kind = ScheduleDecision::Kind;
  planned_.reset();
  if (plan.queued_up.empty() || decision.name != plan.queued_up.front().name) return decision;
  if (decision.kind != Kind::kUpgrade && decision.kind != Kind::kWait) return decision;
  const UpgradeInfo& head = plan.queued_up.front();
  Timestamp now = deps_.clock.Now();
  std::optional<Timestamp> first_seen = NoteFirstSeen(plan, head);
  UpgradePolicy policy = MakePolicy(now, std::max(now, head.upgrade_time));
  planned_ = PlanStart(head, first_seen, policy, now);
  if (decision.kind == Kind::kWait && decision.reason == "held") {
    planned_->waiting_for = WaitingFor::kHeld;
    planned_->at.reset();
    return decision;
  }
  bool startable = planned_->at && now >= *planned_->at;
  if (decision.kind == Kind::kUpgrade && startable) return decision;
  if (decision.kind == Kind::kUpgrade) {
    // Not yet: other entries may still be staged meanwhile.
    ScheduleDecision others = DecideSchedule(plan, stages_, now, /*held=*/true);
    if (others.kind == Kind::kStage) return others;
    decision = {Kind::kWait, head.name, std::string(WaitingForName(planned_->waiting_for)),
                std::nullopt};
  }
  // Wake at the planned start, or a day later to plan again; a start that
  // has come waits only for staging, which reports itself.
  decision.at = planned_->at ? std::min(*planned_->at, now + kReplanAfter) : now + kReplanAfter;
  if (startable) decision.at.reset();
  return decision;
}

}  // namespace nymvisor
