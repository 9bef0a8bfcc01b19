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
  RunGateStep(target, d.busy_check.empty() ? GateStep::kPreHook : GateStep::kBusyCheck);
}

HookEvent Agent::GateEvent(const UpgradeInfo& target, const std::string& from_version) const {
  return HookEvent{.id = config_.nymvisor.id,
                   .upgrade_name = target.name,
                   .from_version = from_version,
                   .to_version = target.version};
}

std::string Agent::RunningVersion() {
  Result<CurrentVersion> current = records_.LoadCurrentVersion();
  return current.ok() ? current->version : "";
}

void Agent::RunGateStep(const UpgradeInfo& target, GateStep step) {
  bool pre_hook = step == GateStep::kPreHook;
  const DaemonSection& d = config_.daemon;
  auto judge = pre_hook ? JudgePreHook : JudgeBusyCheck;
  uint64_t run = ++gate_runs_;
  RunGateCommand(
      deps_.probes, deps_.fetch_worker, deps_.log, pre_hook ? "pre_upgrade_command" : "busy_check",
      pre_hook ? d.pre_upgrade_command : d.busy_check,
      HookEnvironment(GateEvent(target, RunningVersion())),
      [this, target, judge, step, run](const CommandOutcome& outcome) {
        if (run != gate_runs_) return;  // a newer run (apply-now) took over
        GateDecision decision =
            judge(outcome, gate_.due_since, config_.daemon.busy_deadline, deps_.clock.Now());
        OnGateDecided(target, decision, step);
      });
}

void Agent::OnGateDecided(const UpgradeInfo& target, const GateDecision& decision, GateStep step) {
  if (gate_.name != target.name || !gate_.in_flight) return;  // a reload or Stop came between
  if (*stopping_) return;
  if (runner_.active()) {  // apply-now began it meanwhile: the operator decided
    gate_ = Gate{};
    return;
  }
  if (gate_.apply_now) return OnApplyNowDecided(target, decision);
  Logger::Fields fields = UpgradeEventFields(target);
  fields.push_back({"NYMVISOR_REASON", decision.reason});
  using Kind = GateDecision::Kind;
  if (decision.kind == Kind::kPostpone) {
    std::string waiting_for = step == GateStep::kPreHook ? "hook" : "busy";
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
  if (step == GateStep::kBusyCheck && !config_.daemon.pre_upgrade_command.empty()) {
    return RunGateStep(target, GateStep::kPreHook);
  }
  if (!gate_.waiting_for.empty()) last_outcome_.clear();
  gate_.in_flight = false;
  gate_.passed = true;
  Reconcile();  // decides again: a reload, hold or skip may have come meanwhile
  if (gate_.name == target.name) gate_.passed = false;
}

void Agent::OnApplyNowDecided(const UpgradeInfo& target, const GateDecision& decision) {
  gate_ = Gate{};
  using Kind = GateDecision::Kind;
  if (decision.kind == Kind::kRefuse) {
    Refuse(target, decision.reason, message_ids::kHookRefused, UpgradeOutcome::kRefused);
    EndApplyNow(target, "refused", decision.reason);
    return Reconcile();
  }
  if (decision.kind == Kind::kPostpone) {
    std::string reason = decision.reason + "; the upgrade stays queued and follows its schedule";
    Logger::Fields fields = UpgradeEventFields(target);
    fields.push_back({"NYMVISOR_REASON", reason});
    deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradePostponed,
                    "apply-now of upgrade " + target.name + " ended: " + reason, fields);
    last_outcome_ = target.name + " postponed: " + decision.reason;
    EndApplyNow(target, "postponed", reason);
    return Reconcile();
  }
  // A hold, a skip or another upgrade may have come while the hook ran.
  Result<UpgradeInfo> head = ApplyNowTarget();
  if (!head.ok() || head->name != target.name) {
    EndApplyNow(
        target, "failed",
        head.ok() ? "the queue changed while pre_upgrade_command ran" : head.status().message());
    return Reconcile();
  }
  BeginUpgrade(target);
  if (!runner_.active()) EndApplyNow(target, "failed", "it did not start: " + last_error_);
}

void Agent::EndApplyNow(const UpgradeInfo& target, const std::string& result,
                        const std::string& reason) {
  deps_.log.Info("apply-now of upgrade " + target.name + " ended without starting it (" + result +
                 "): " + reason);
  if (deps_.control) deps_.control->UpgradeFinished(target.name, RunningVersion(), result, reason);
  Publish();
}

void Agent::ReportOutcome(const UpgradeInfo& target, const std::string& from_version,
                          std::string_view outcome, const std::string& reason,
                          const std::string& fleet_halt) {
  if (config_.daemon.post_upgrade_command.empty()) return;
  HookEvent event = GateEvent(target, from_version);
  event.outcome = std::string(outcome);
  event.reason = reason;
  event.fleet = deps_.fleet != nullptr;
  event.fleet_halt = fleet_halt;
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
