#include "agent/base/message_ids.h"
#include "agent/base/strings.h"
#include "agent/shell/agent.h"
#include "agent/shell/upgrade_gate.h"

// The gate between a due, staged upgrade and the stop of the node: the
// operator's busy check and pre-upgrade command, run on the fetch lane
// (never the main loop, never the backup lane a running upgrade needs),
// and the post-upgrade command after every outcome. Nothing here stops the
// node: a check or hook that fails, hangs or cannot run postpones or
// refuses the upgrade while the node keeps running.

namespace nymvisor {

void Agent::StartDueUpgrade(const UpgradeInfo& target) {
  const DaemonSection& d = config_.daemon;
  if (d.busy_check.empty() && d.pre_upgrade_command.empty()) return BeginUpgrade(target);
  Timestamp now = deps_.clock.Now();
  next_upgrade_ = target.name;  // status names it, and why it waits
  if (gate_.name != target.name) {
    gate_ = Gate{.name = target.name, .due_since = GateDueSince(target.name, now)};
  }
  if (gate_.in_flight) return;
  if (gate_.passed) {
    gate_ = Gate{};
    ForgetDueSince(target.name);
    return BeginUpgrade(target);
  }
  if (gate_.retry_at && now < *gate_.retry_at) return ArmTimer(*gate_.retry_at);
  gate_.in_flight = true;
  if (!d.busy_check.empty()) return RunBusyCheck(target);
  RunPreHook(target);
}

HookEvent Agent::GateEvent(const UpgradeInfo& target, const std::string& from_version) const {
  return HookEvent{.id = config_.nymvisor.id,
                   .upgrade_name = target.name,
                   .from_version = from_version,
                   .to_version = target.version};
}

void Agent::RunBusyCheck(const UpgradeInfo& target) {
  Result<CurrentVersion> current = records_.LoadCurrentVersion();
  RunGateCommand(deps_.probes, deps_.fetch_worker, deps_.log, "busy_check",
                 config_.daemon.busy_check,
                 HookEnvironment(GateEvent(target, current.ok() ? current->version : "")),
                 [this, target](const CommandOutcome& outcome) {
                   GateDecision decision = JudgeBusyCheck(
                       outcome, gate_.due_since, config_.daemon.busy_deadline, deps_.clock.Now());
                   OnGateDecided(target, decision, /*pre_hook=*/false);
                 });
}

void Agent::RunPreHook(const UpgradeInfo& target) {
  Result<CurrentVersion> current = records_.LoadCurrentVersion();
  RunGateCommand(deps_.probes, deps_.fetch_worker, deps_.log, "pre_upgrade_command",
                 config_.daemon.pre_upgrade_command,
                 HookEnvironment(GateEvent(target, current.ok() ? current->version : "")),
                 [this, target](const CommandOutcome& outcome) {
                   GateDecision decision = JudgePreHook(
                       outcome, gate_.due_since, config_.daemon.busy_deadline, deps_.clock.Now());
                   OnGateDecided(target, decision, /*pre_hook=*/true);
                 });
}

void Agent::OnGateDecided(const UpgradeInfo& target, const GateDecision& decision, bool pre_hook) {
  if (gate_.name != target.name || !gate_.in_flight) return;  // a reload or Stop came between
  if (*stopping_) return;
  if (runner_.active()) {  // apply-now began it meanwhile: the operator decided
    gate_ = Gate{};
    return;
  }
  Logger::Fields fields = UpgradeEventFields(target);
  fields.push_back({"NYMVISOR_REASON", decision.reason});
  using Kind = GateDecision::Kind;
  if (decision.kind == Kind::kPostpone) {
    std::string waiting_for = pre_hook ? "hook" : "busy";
    if (gate_.waiting_for != waiting_for) {  // once per reason, not every minute
      deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradePostponed,
                      "upgrade " + target.name + " postponed: " + decision.reason, fields);
    }
    NoteDueSince(target.name, gate_.due_since);
    gate_ = Gate{.name = target.name,
                 .due_since = gate_.due_since,
                 .retry_at = decision.retry_at,
                 .waiting_for = waiting_for};
    last_outcome_ = target.name + " postponed: " + decision.reason;
    ArmTimer(decision.retry_at);
    return Publish();
  }
  if (decision.kind == Kind::kRefuse) {
    gate_ = Gate{};
    ForgetDueSince(target.name);
    last_outcome_.clear();
    Refuse(target, decision.reason, message_ids::kHookRefused, UpgradeOutcome::kRefused);
    return Reconcile();
  }
  if (decision.deadline_passed) {
    deps_.log.Event(LogPriority::kWarning, message_ids::kBusyDeadlinePassed,
                    "upgrade " + target.name + ": " + decision.reason, fields);
  }
  if (!pre_hook && !config_.daemon.pre_upgrade_command.empty()) return RunPreHook(target);
  if (!gate_.waiting_for.empty()) last_outcome_.clear();
  gate_.in_flight = false;
  gate_.passed = true;
  Reconcile();  // decides again: a reload, hold or skip may have come meanwhile
  if (gate_.name == target.name) gate_.passed = false;
}

void Agent::ReportOutcome(const UpgradeInfo& target, const std::string& from_version,
                          std::string_view outcome, const std::string& reason) {
  if (config_.daemon.post_upgrade_command.empty()) return;
  HookEvent event = GateEvent(target, from_version);
  event.outcome = std::string(outcome);
  event.reason = reason;
  RunGateCommand(deps_.probes, deps_.fetch_worker, deps_.log, "post_upgrade_command",
                 config_.daemon.post_upgrade_command, HookEnvironment(event),
                 [this, name = target.name](const CommandOutcome& result) {
                   bool ok = result.started && !result.timed_out && result.signal == 0 &&
                             result.exit_code == 0;
                   if (ok) return;
                   deps_.log.Warning("post_upgrade_command after upgrade " + name + " " +
                                     DescribeCommandOutcome(result));
                 });
}

void Agent::ClearRefusals() {
  Result<std::vector<std::string>> cleared = records_.ClearRefusals(deps_.clock.Now());
  if (!cleared.ok()) {
    return deps_.log.Error("cannot clear the refused upgrades: " + cleared.status().message());
  }
  if (cleared->empty()) return;
  deps_.log.Info("cleared the refusal of upgrade " + Join(*cleared, ", ") +
                 " on request: upstream is asked again");
  if (poller_) poller_->ForgetValidators();
}

}  // namespace nymvisor
