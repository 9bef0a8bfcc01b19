#include "agent/base/message_ids.h"
#include "agent/base/strings.h"
#include "agent/config/config_change.h"
#include "agent/decide/rollback_plan.h"
#include "agent/shell/agent.h"
#include "agent/shell/build_info_probe.h"

// The agent's answers to an operator (the control API), each a short
// decision over the agent's state followed by the same machinery the agent
// uses by itself. The caller was authorized by ControlService.

namespace nymvisor {
namespace {

constexpr Duration kRollbackProbeTimeout = std::chrono::seconds(10);

std::string QueuedNames(const UpgradePlan& plan) {
  std::string names;
  for (const UpgradeInfo& info : plan.queued_up) names += (names.empty() ? "" : ", ") + info.name;
  return names.empty() ? "nothing is queued" : "queued: " + names;
}

}  // namespace

Status Agent::RefuseIfBusy() const {
  const std::optional<UpgradeState>& u = runner_.state();
  if (!u) return {};
  return Status::Refused("UpgradeInProgress", "upgrade " + u->target.name + " to " +
                                                  u->target.version + " is in progress (step " +
                                                  std::string(StepName(u->step)) + ")");
}

Status Agent::CheckNow() {
  if (!poller_) return Status::Refused("NotRunning", "the agent has not started yet");
  ClearRefusals();
  if (!poller_->checking()) poller_->CheckNow();
  Publish();
  return {};
}

Result<UpgradeInfo> Agent::ApplyNowTarget() {
  NV_RETURN_IF_ERROR(RefuseIfBusy());
  if (left_down_) {
    return Status::Refused("NodeLeftDown", DescribeNodeDown(*left_down_));
  }
  if (hold_) {
    return Status::Refused("Held", "upgrades are held (since " + FormatTimestamp(hold_->since) +
                                       ", by " + hold_->by + "): run 'nymvisor resume' first");
  }
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, records_.LoadPlan());
  if (plan.queued_up.empty()) return Status::Refused("NoStagedUpgrade", "no upgrade is queued");
  const UpgradeInfo head = plan.queued_up.front();
  auto stage = stages_.find(head.name);
  if (stage == stages_.end() || stage->second.status != StageStatus::kStaged) {
    std::string detail = stage == stages_.end() ? "" : stage->second.detail;
    return Status::Refused("NoStagedUpgrade", "upgrade " + head.name + " (" + head.version +
                                                  ") is not staged yet" +
                                                  (detail.empty() ? "" : ": " + detail));
  }
  return head;
}

Result<std::string> Agent::ApplyNow(const std::string& by) {
  if (gate_.apply_now && gate_.in_flight) {
    return Status::Refused("UpgradeInProgress", "apply-now of upgrade " + gate_.name +
                                                    " waits for pre_upgrade_command already");
  }
  NV_ASSIGN_OR_RETURN(UpgradeInfo head, ApplyNowTarget());
  if (!config_.daemon.pre_upgrade_command.empty()) {
    // Apply-now skips the waiting (windows, age, spread, busy_check), not
    // the operator's safety hook: OnApplyNowDecided begins it on a go.
    deps_.log.Info("applying upgrade " + head.name + " now, at the request of " + by +
                   ", once pre_upgrade_command says go");
    gate_ = Gate{
        .name = head.name, .due_since = deps_.clock.Now(), .in_flight = true, .apply_now = true};
    next_upgrade_ = head.name;
    RunGateStep(head, GateStep::kPreHook);
    Publish();
    return head.name;
  }
  deps_.log.Info("applying upgrade " + head.name + " now, at the request of " + by);
  BeginUpgrade(head);
  if (!runner_.active()) {
    return Status::Error("upgrade " + head.name + " did not start: " + last_error_);
  }
  return head.name;
}

Status Agent::Hold(const std::string& reason, const std::string& by) {
  if (hold_) return {};
  HoldRecord hold{deps_.clock.Now(), reason, by};
  NV_RETURN_IF_ERROR(records_.SaveHold(hold));
  hold_ = hold;
  runner_.AbandonWhileWaiting();  // a fleet's upgrade still waiting for its slot
  deps_.log.Event(
      LogPriority::kNotice, message_ids::kUpgradesHeld,
      "upgrades of " + unit_ + " are held by " + by + (reason.empty() ? "" : ": " + reason),
      {{"NYMVISOR_REASON", reason}});
  Reconcile();
  Publish();
  return {};
}

Status Agent::ReleaseNode(bool start, const std::string& by) {
  if (Status st = records_.ClearNodeDown(); !st.ok()) {
    return st.IsNotFound() ? Status::Refused("NotLeftDown", st.message()) : st;
  }
  std::string upgrade = left_down_ ? left_down_->upgrade : "";
  left_down_.reset();
  node_down_ = false;
  deps_.log.Event(
      LogPriority::kNotice, message_ids::kNodeReleased,
      unit_ + " may start again: its node-left-down record was cleared by " + by +
          (start ? "; starting it" : "; it is started with 'systemctl start " + unit_ + "'"),
      {{"NYMVISOR_UPGRADE", upgrade}});
  if (start) {
    (void)deps_.systemd.ResetFailedUnit(unit_);  // the refused starts count toward its limit
    NV_RETURN_IF_ERROR(deps_.systemd.StartUnit(unit_).status());
  }
  Reconcile();
  Publish();
  return {};
}

Status Agent::Resume(const std::string& by) {
  if (!hold_) return {};
  NV_RETURN_IF_ERROR(records_.ClearHold());
  hold_.reset();
  deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradesResumed,
                  "upgrades of " + unit_ + " are resumed by " + by, {});
  Reconcile();
  Publish();
  return {};
}

Status Agent::Skip(const std::string& name, const std::string& by) {
  if (runner_.state() && runner_.state()->target.name == name && !runner_.AbandonWhileWaiting()) {
    return RefuseIfBusy();  // only an upgrade waiting for its fleet slot is dropped
  }
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, records_.LoadPlan());
  const UpgradeInfo* queued = FindQueuedByName(plan, name);
  if (queued == nullptr) {
    return Status::Refused("UnknownUpgrade",
                           "no queued upgrade is named '" + name + "' (" + QueuedNames(plan) + ")");
  }
  UpgradeInfo info = *queued;
  std::string reason = "skipped by " + by;
  NV_RETURN_IF_ERROR(
      records_.RecordFailure(info, UpgradeOutcome::kSkipped, reason, deps_.clock.Now()));
  stages_.erase(name);
  staged_builds_.erase(name);
  Logger::Fields fields = UpgradeEventFields(info);
  fields.push_back({"NYMVISOR_REASON", reason});
  deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradeSkipped,
                  "upgrade " + name + " to " + info.version + " skipped by " + by, fields);
  last_upgrade_ = name;
  last_upgrade_result_ = "skipped";
  last_outcome_ = name + " skipped";
  RecountUpgrades();
  Reconcile();
  Publish();
  return {};
}

Result<std::filesystem::path> Agent::RollbackBackup(const RollbackTarget& target,
                                                    const UpgradeInfo& to) {
  const std::string& by = target.backup_of;
  std::string what =
      "the backup of " + to.version + "'s data taken when upgrade " + by + " was applied";
  if (!target.from_backup) {
    // Histories written before backups were recorded with each upgrade: the
    // newest backup under the replacing upgrade's name is the best guess (an
    // operator rollback's own backup lives under another name).
    Result<std::filesystem::path> latest = deps_.backups.Latest(by);
    if (latest.ok()) return *latest;
    return Status::Refused("NoBackup", "no backup of " + to.version +
                                           " (it is taken when upgrade " + by +
                                           " is applied; DAEMON_UNSAFE_SKIP_BACKUP skips it)");
  }
  if (target.from_backup->empty()) {
    return Status::Refused("NoBackup", "upgrade " + by +
                                           " was applied without a backup "
                                           "(DAEMON_UNSAFE_SKIP_BACKUP): there is no data of " +
                                           to.version + " to go back to; nothing was changed");
  }
  std::filesystem::path backup = *target.from_backup;
  if (!deps_.backups.IsComplete(backup)) {
    return Status::Refused("NoBackup", what + " (" + backup.string() +
                                           ") is gone or incomplete; nothing was changed (no "
                                           "other backup holds that data; raise backups_to_keep "
                                           "to keep more rollbacks possible)");
  }
  return backup;
}

Result<UpgradeState> Agent::PlanRollback(const std::string& by, const std::string& to_name) {
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, records_.LoadPlan());
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, records_.LoadHistory());
  NV_ASSIGN_OR_RETURN(RollbackTarget target, FindRollbackTarget(plan, history, to_name));
  NV_ASSIGN_OR_RETURN(CurrentVersion current, records_.LoadCurrentVersion());
  UpgradeInfo to;
  if (target.to) {
    to = *target.to;
  } else {
    NV_ASSIGN_OR_RETURN(to, records_.LoadUpgradeInfo(target.to_name));
  }
  std::filesystem::path binary = layout_.UpgradeBinary(to.name);
  if (!Exists(deps_.files, binary)) {
    return Status::Refused("NoBinary",
                           "the binary of " + to.version + " is gone (" + binary.string() + ")");
  }
  NV_ASSIGN_OR_RETURN(std::filesystem::path backup, RollbackBackup(target, to));
  UpgradeState state;
  state.target = to;
  if (to.binary_details) {
    state.target_build = *to.binary_details;
  } else {
    NV_ASSIGN_OR_RETURN(state.target_build,
                        ProbeBuildInfo(deps_.probes, binary.string(), kRollbackProbeTimeout));
  }
  state.from_name = current.name;
  state.from_version = current.version;
  state.from_build = current.binary_details;
  state.started_at = deps_.clock.Now();
  state.revert = true;
  state.revert_backup = backup.string();
  state.target_backup = target.to_backup;
  state.undone = target.undone;
  if (!state.target_backup && target.to) {
    // A history from before backups were recorded: pin the best guess now,
    // while this rollback's own backup (under another name) cannot mask it.
    Result<std::filesystem::path> latest = deps_.backups.Latest(to.name);
    if (latest.ok()) state.target_backup = latest->string();
  }
  state.requested_by = by;
  return state;
}

Result<std::string> Agent::Rollback(const std::string& by, const std::string& to) {
  NV_RETURN_IF_ERROR(RefuseIfBusy());
  if (left_down_) return Status::Refused("NodeLeftDown", DescribeNodeDown(*left_down_));
  NV_ASSIGN_OR_RETURN(UpgradeState state, PlanRollback(by, to));
  ArmTimer(std::nullopt);
  NV_RETURN_IF_ERROR(runner_.Begin(state));
  if (deps_.control) {
    deps_.control->UpgradeStarted(state.target.name, state.from_version, state.target.version);
  }
  Publish();
  return state.target.version;
}

Status Agent::Reload() {
  if (!deps_.load_config) return Status::Refused("NotSupported", "this agent cannot reload");
  NV_ASSIGN_OR_RETURN(Config fresh, deps_.load_config());
  ConfigChange change = DiffConfigs(config_, fresh);
  if (!change.agent_restart.empty()) {
    return Status::Refused("RestartRequired", Join(change.agent_restart, ", ") +
                                                  " changed; nothing was applied: restart the "
                                                  "agent (systemctl restart nymvisor@" +
                                                  config_.nymvisor.id + ") to apply it");
  }
  if (fresh != config_) NV_RETURN_IF_ERROR(ApplyConfig(std::move(fresh), change));
  OnPlanChanged();
  Publish();
  return {};
}

Status Agent::ApplyConfig(Config config, const ConfigChange& change) {
  // An upgrade waiting for its fleet slot has not touched the node: it is
  // dropped and begins again under the new config (its windows, its slots).
  if (!runner_.waiting_for_slot()) NV_RETURN_IF_ERROR(RefuseIfBusy());
  NV_RETURN_IF_ERROR(UpgradeInfoUrl(config).status());
  NV_ASSIGN_OR_RETURN(SignatureSettings signatures, MakeSignatureSettings(config));
  std::optional<FleetSettings> fleet;
  if (deps_.fleet) {
    NV_ASSIGN_OR_RETURN(fleet, MakeFleetSettings(config, deps_.fleet->settings().holder));
  }
  runner_.AbandonWhileWaiting();
  if (fleet) deps_.fleet->Reload(*fleet);
  config_ = std::move(config);
  signatures_ = std::move(signatures);
  runner_.UpdateSettings(MakeRunnerSettings(config_, hooks_));
  last_metrics_.clear();
  StartPoller();
  deps_.log.Info("config reloaded; changed: " + Join(change.reloadable, ", "));
  return {};
}

}  // namespace nymvisor
