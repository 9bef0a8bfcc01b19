#include "agent/shell/upgrade_runner.h"

#include <algorithm>
#include <cstdint>

#include "agent/base/message_ids.h"

namespace nymvisor {

RunnerSettings MakeRunnerSettings(const Config& config, TestHooks hooks) {
  return {
      .unit = EffectiveUnit(config),
      // No automatic restart is tolerated: with Restart=on-failure (the
      // default) systemd brings a crashed new version back, and that crash
      // must still roll it back. max_startup_failures is systemd's start
      // limit, not this.
      .health = {HealthCheckPeriod(config), 0},
      // More backups than a uint32_t counts means keeping every one.
      .backups_to_keep =
          static_cast<uint32_t>(std::min<uint64_t>(config.daemon.backups_to_keep, UINT32_MAX)),
      .health_url = config.daemon.health_check_url,
      .build_info_url = config.daemon.build_info_url,
      .hooks = std::move(hooks),
  };
}

UpgradeRunner::UpgradeRunner(RunnerDeps deps, RunnerSettings settings, Finished on_finished)
    : deps_(std::move(deps)),
      settings_(std::move(settings)),
      on_finished_(std::move(on_finished)) {}

Logger::Fields UpgradeRunner::EventFields() const {
  Logger::Fields fields = UpgradeEventFields(state_->target, state_->from_version);
  fields.push_back({"NYMVISOR_STEP", std::string(StepName(state_->step))});
  return fields;
}

Status UpgradeRunner::Begin(UpgradeState initial) {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  initial.node_was_active =
      !unit.ok() || unit->IsUp() || unit->active_state == ActiveState::kActivating;
  initial.step = initial.fleet         ? UpgradeStep::kTakingSlot
                 : initial.skip_backup ? UpgradeStep::kStopping
                                       : UpgradeStep::kPreCopying;
  step_began_ = deps_.clock.Now();
  NV_RETURN_IF_ERROR(deps_.records.SaveState(initial));
  state_ = std::move(initial);
  if (state_->revert) {
    deps_.log.Event(LogPriority::kNotice, message_ids::kRollbackRequested,
                    "rolling " + settings_.unit + " back from " + state_->from_version + " to " +
                        state_->target.version + " at the request of " + state_->requested_by,
                    EventFields());
  } else {
    deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradeStarted,
                    "upgrading " + settings_.unit + " from " + state_->from_version + " to " +
                        state_->target.version + " (" + state_->target.name + ")",
                    EventFields());
  }
  CrashIfAt(state_->step, /*after_effect=*/false);
  RunStepAfterTestDelay(state_->step);
  return {};
}

UpgradeRunner::~UpgradeRunner() { CancelTimers(); }

void UpgradeRunner::Resume(UpgradeState state) {
  // Agent runs while the operator keeps the node stopped are not attempts.
  if (!state.health_paused_at) state.attempts += 1;
  // A crash between the switch and its record leaves `current` at the
  // target while the record says not switched; the start guard and the
  // undo must know it, or a boot during the resumed stop starts the target
  // on data it was never checked on.
  if (!state.switched && state.target.name != state.from_name &&
      deps_.records.CurrentIs(state.target.name)) {
    state.switched = true;
  }
  state_ = std::move(state);
  deps_.log.Warning("resuming upgrade " + state_->target.name + " at step '" +
                    std::string(StepName(state_->step)) + "' (attempt " +
                    std::to_string(state_->attempts) + ")");
  ResumePlan plan = DecideResume(*state_);
  if (!plan.failure.empty()) state_->failure = plan.failure;
  Enter(plan.step);
}

void UpgradeRunner::Enter(UpgradeStep step) {
  state_->step = step;
  step_began_ = deps_.clock.Now();
  if (IsRollbackStep(step)) state_->rolled_back = true;
  // A step runs only once it is recorded, or a restart would resume from a
  // record that no longer matches what was done (e.g. on a full disk).
  if (Status st = deps_.records.SaveState(*state_); !st.ok()) {
    deps_.log.Error("cannot record upgrade step " + std::string(StepName(step)) +
                    " (retrying): " + st.message());
    timer_ = deps_.scheduler.After(settings_.retry_delay, [this, step] { Enter(step); });
    return;
  }
  CrashIfAt(step, /*after_effect=*/false);
  RunStepAfterTestDelay(step);
}

void UpgradeRunner::RunStepAfterTestDelay(UpgradeStep step) {
  auto delay = settings_.hooks.step_delays.find(step);
  if (delay == settings_.hooks.step_delays.end()) return RunStep();
  deps_.log.Warning("test hook: pausing " + FormatDuration(delay->second) + " before step " +
                    std::string(StepName(step)));
  timer_ = deps_.scheduler.After(delay->second, [this] {
    timer_ = 0;
    RunStep();
  });
}

void UpgradeRunner::RunStep() {
  CancelTimers();
  spawn_retried_ = false;
  if (deps_.changed) deps_.changed();
  (this->*EffectFunction(Spec(state_->step).effect))();
}

// A StepEffect without its case is a compile error here, not a step that
// silently does nothing: the switch has no default.
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch"
UpgradeRunner::EffectFn UpgradeRunner::EffectFunction(StepEffect effect) {
  switch (effect) {
    case StepEffect::kPreCopy:
      return &UpgradeRunner::RunPreCopy;
    case StepEffect::kStopNode:
      return &UpgradeRunner::RunStop;
    case StepEffect::kBackUp:
      return &UpgradeRunner::RunBackup;
    case StepEffect::kSwitchToTarget:
      return &UpgradeRunner::RunSwap;
    case StepEffect::kRestorePrevious:
      return &UpgradeRunner::RunRestorePrevious;
    case StepEffect::kStartNode:
      return &UpgradeRunner::RunStart;
    case StepEffect::kJudgeHealth:
      return &UpgradeRunner::BeginHealthCheck;
    case StepEffect::kCommit:
      return &UpgradeRunner::RunCommit;
    case StepEffect::kAbort:
      return &UpgradeRunner::RunAbort;
    case StepEffect::kRestore:
      return &UpgradeRunner::RunRestore;
    case StepEffect::kVerifyOldVersion:
      return &UpgradeRunner::VerifyRollback;
    case StepEffect::kRecordFailure:
      return &UpgradeRunner::RunRecordFailure;
    case StepEffect::kTakeSlot:
      return &UpgradeRunner::RunTakeSlot;
    case StepEffect::kReleaseSlot:
      return &UpgradeRunner::RunReleaseSlot;
    case StepEffect::kHaltFleet:
      return &UpgradeRunner::RunHaltFleet;
  }
  return nullptr;
}
#pragma GCC diagnostic pop

void UpgradeRunner::CrashIfAt(UpgradeStep step, bool after_effect) {
  const std::optional<CrashPoint>& at = settings_.hooks.crash_at;
  if (!at || at->step != step || at->after_effect != after_effect || state_->attempts != 1) return;
  deps_.log.Warning(std::string("test hook: crashing ") + (after_effect ? "after" : "at") +
                    " step " + std::string(StepName(step)));
  if (settings_.hooks.crash) settings_.hooks.crash();
}

void UpgradeRunner::Advance(bool ok, const std::string& failure) {
  CrashIfAt(state_->step, /*after_effect=*/true);
  CancelTimers();
  if (!ok && Spec(state_->step).done_if_unit_down && UnitIsDown()) ok = true;
  LogStepTime(ok);
  if (!ok && !failure.empty()) {
    deps_.log.Warning("upgrade step '" + std::string(StepName(state_->step)) +
                      "' failed: " + failure);
    if (state_->failure.empty()) state_->failure = failure;
  }
  StepOutcome outcome = DecideNext(*state_, ok);
  if (outcome.node_left_down) {
    state_->node_down = true;
    // Persisted at once: the in-memory flag dies with this process.
    if (Status st = SaveNodeLeftDown(); !st.ok()) deps_.log.Error(st.message());
  }
  if (!outcome.next) return;
  if (outcome.retry) {
    timer_ = deps_.scheduler.After(settings_.retry_delay, [this] { RunStep(); });
    return;
  }
  Enter(*outcome.next);
}

void UpgradeRunner::LogStepTime(bool ok) {
  if (Spec(state_->step).effect == StepEffect::kJudgeHealth) return;  // it says so itself
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.Now() - step_began_);
  deps_.log.Info("upgrade step '" + std::string(StepName(state_->step)) + "' " +
                 (ok ? "done" : "failed") + " in " + std::to_string(ms.count()) + " ms" +
                 (Spec(state_->step).node_down ? " (the node is down)" : ""));
}

bool UpgradeRunner::UnitIsDown() {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  return unit.ok() && unit->IsDown();
}

void UpgradeRunner::RunStop() { QueueJob(/*start=*/false); }

void UpgradeRunner::RunStart() { QueueJob(/*start=*/true); }

void UpgradeRunner::QueueJob(bool start) {
  if (start) (void)deps_.systemd.ResetFailedUnit(settings_.unit);  // clear the start limit
  Result<std::string> job =
      start ? deps_.systemd.StartUnit(settings_.unit) : deps_.systemd.StopUnit(settings_.unit);
  if (!job.ok()) return Advance(false, job.status().message());
  pending_job_ = *job;
  timer_ = deps_.scheduler.After(settings_.job_timeout, [this, start] {
    pending_job_.clear();
    Advance(false, std::string("systemd did not finish the ") + (start ? "start" : "stop") +
                       " job of " + settings_.unit + " in time");
  });
}

void UpgradeRunner::OnJobRemoved(const std::string& job, const std::string& result) {
  if (OnOperatorJobRemoved(job)) return;
  if (!state_ || job.empty() || job != pending_job_) return;
  pending_job_.clear();
  bool start = Spec(state_->step).effect != StepEffect::kStopNode;
  if (start && result != "done" && RetrySpawnFailure()) return;
  Advance(result == "done", std::string(start ? "the start" : "the stop") + " job of " +
                                settings_.unit + " ended with '" + result + "'");
}

bool UpgradeRunner::RetrySpawnFailure() {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  if (spawn_retried_ || !unit.ok() || !unit->FailedToSpawnInCgroup()) return false;
  spawn_retried_ = true;
  deps_.log.Warning("systemd could not start " + settings_.unit +
                    " in its cgroup (status 219/CGROUP); the node never ran, starting it again");
  QueueJob(/*start=*/true);
  return true;
}

void UpgradeRunner::RunSwap() {
  Status st = deps_.records.SwitchCurrent(state_->target.name, state_->target.version,
                                          state_->target_build, deps_.clock.Now());
  if (!st.ok()) return Advance(false, st.message());
  state_->switched = true;
  Advance(true);
}

Status UpgradeRunner::SwitchBack() {
  NV_RETURN_IF_ERROR(deps_.records.SwitchCurrent(state_->from_name, state_->from_version,
                                                 state_->from_build, deps_.clock.Now()));
  state_->switched = false;
  return {};
}

void UpgradeRunner::RunAbort() {
  // Before the switch there is nothing to undo; a needless write that fails
  // (full disk) must not keep the old version from starting.
  if (state_->switched || !deps_.records.CurrentIs(state_->from_name)) {
    // Until the switch back is done `current` names the new version: the
    // step table retries the abort rather than end with it there.
    if (Status st = SwitchBack(); !st.ok()) {
      state_->switched = true;
      return Advance(false, st.message());
    }
  }
  if (!state_->node_was_active) return Advance(true);
  QueueJob(/*start=*/true);
}

void UpgradeRunner::VerifyRollback() {
  timer_ = deps_.scheduler.After(settings_.rollback_check, [this] {
    Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
    bool up = unit.ok() && unit->active_state == ActiveState::kActive;
    Advance(up, unit.ok() ? "the old version is " + unit->Describe() : unit.status().message());
  });
}

void UpgradeRunner::RunCommit() {
  if (Status st = deps_.records.Commit(*state_); !st.ok()) return Advance(false, st.message());
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  Logger::Fields fields = EventFields();
  std::string downtime;
  if (uint64_t usec = unit.ok() ? unit->LastDowntimeUsec() : 0; usec != 0) {
    fields.push_back({"NYMVISOR_DOWNTIME_USEC", std::to_string(usec)});
    downtime = ", down for " + std::to_string(usec / 1000) + " ms";
  }
  if (state_->revert) {
    deps_.log.Event(LogPriority::kNotice, message_ids::kRolledBackOnRequest,
                    settings_.unit + " rolled back from " + state_->from_version + " to " +
                        state_->target.version + " on request" + downtime,
                    fields);
  } else if (state_->leave_stopped) {
    deps_.log.Event(LogPriority::kNotice, message_ids::kManualStartRequired,
                    "switched to " + state_->target.version + "; the node stays stopped until " +
                        "you run 'systemctl start " + settings_.unit + "'",
                    fields);
  } else {
    deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradeSucceeded,
                    settings_.unit + " now runs " + state_->target.version + downtime, fields);
  }
  FinishOrHandOver(true);
}

Status UpgradeRunner::SaveNodeLeftDown() {
  NodeDownRecord record;
  record.since = deps_.clock.Now();
  record.upgrade = state_->target.name;
  record.from_version = state_->from_version;
  record.to_version = state_->target.version;
  record.reason =
      state_->failure.empty() ? "the old version could not be brought back" : state_->failure;
  record.backup = state_->revert ? state_->revert_backup : state_->backup_path;
  Status st = deps_.records.SaveNodeDown(record);
  return st.ok() ? st : st.WithContext("cannot record that the node is left down");
}

void UpgradeRunner::RunRecordFailure() {
  UpgradeOutcome outcome =
      state_->rolled_back ? UpgradeOutcome::kRolledBack : UpgradeOutcome::kFailed;
  // Again here (a resumed agent may not have written it): the record must
  // exist before upgrade-state.json is cleared, or a start would find neither.
  if (state_->node_down && !deps_.records.LoadNodeDown().ok()) {
    if (Status saved = SaveNodeLeftDown(); !saved.ok()) return Advance(false, saved.message());
  }
  Status st =
      deps_.records.RecordFailure(state_->target, outcome, state_->failure, state_->started_at);
  if (!st.ok()) return Advance(false, st.message());
  Logger::Fields fields = EventFields();
  fields.push_back({"NYMVISOR_REASON", state_->failure});
  if (state_->node_down) {
    deps_.log.Event(LogPriority::kCritical, message_ids::kRollbackFailed,
                    "rollback of " + settings_.unit + " to " + state_->from_version +
                        " did not bring the node back: " + state_->failure +
                        "; it stays down until its data is checked and 'nymvisor release-node' "
                        "runs",
                    fields);
  } else if (state_->rolled_back) {
    deps_.log.Event(LogPriority::kWarning, message_ids::kUpgradeRolledBack,
                    "rolled back " + settings_.unit + " to " + state_->from_version + ": " +
                        state_->target.version + " was unhealthy (" + state_->failure + ")",
                    fields);
  } else {
    deps_.log.Event(
        LogPriority::kWarning, message_ids::kUpgradeAborted,
        "upgrade to " + state_->target.version + " abandoned before the switch: " + state_->failure,
        fields);
  }
  FinishOrHandOver(false);
}

void UpgradeRunner::Finish(bool committed) {
  CrashIfAt(state_->step, /*after_effect=*/true);  // recorded, upgrade-state.json not yet gone
  CancelTimers();
  operator_jobs_.clear();
  if (Status st = deps_.records.ClearState(); !st.ok()) deps_.log.Error(st.message());
  if (committed && !state_->backup_path.empty()) {
    PruneBackups(*state_);
  } else if (!committed) {  // a pre-copy's partial copy is of no use now
    deps_.worker.Post([this] { (void)deps_.backups.DiscardPreCopy(); }, [] {});
  }
  UpgradeState final_state = std::move(*state_);
  state_.reset();
  hurried_ = false;
  on_finished_(final_state, committed);
}

void UpgradeRunner::CancelTimers() {
  for (Scheduler::TimerId* id : {&timer_, &tick_}) {
    if (*id != 0) deps_.scheduler.Cancel(*id);
    *id = 0;
  }
}

}  // namespace nymvisor
