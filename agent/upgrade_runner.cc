#include "agent/upgrade_runner.h"

#include "agent/message_ids.h"
#include "agent/upgrade_steps.h"

namespace nymvisor {
namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

std::string StepStatus(UpgradeStep step) {
  switch (step) {
    case UpgradeStep::kStopping:
      return "stopping the node";
    case UpgradeStep::kBackingUp:
      return "backing up";
    case UpgradeStep::kSwapping:
      return "switching the binary";
    case UpgradeStep::kStarting:
      return "starting the new version";
    case UpgradeStep::kCommitting:
      return "recording the upgrade";
    case UpgradeStep::kAborting:
      return "aborting, starting the old version";
    case UpgradeStep::kRollbackStopping:
      return "rolling back: stopping the new version";
    case UpgradeStep::kRestoring:
      return "rolling back: restoring the data";
    case UpgradeStep::kRollbackStarting:
    case UpgradeStep::kRollbackVerifying:
      return "rolling back: starting the old version";
    default:
      return std::string(StepName(step));
  }
}

}  // namespace

Result<StepDelays> ParseStepDelays(std::string_view text) {
  StepDelays delays;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, end - start);
    size_t eq = item.find('=');
    std::optional<UpgradeStep> step;
    for (int i = 0; i <= static_cast<int>(UpgradeStep::kRecordingFailure); ++i) {
      if (eq != std::string_view::npos &&
          StepName(static_cast<UpgradeStep>(i)) == item.substr(0, eq)) {
        step = static_cast<UpgradeStep>(i);
      }
    }
    if (!step) return Status::Error("'" + std::string(item) + "' is not <step>=<duration>");
    NV_ASSIGN_OR_RETURN(delays[*step], ParseDuration(item.substr(eq + 1)));
    start = end + 1;
  }
  return delays;
}

UpgradeRunner::UpgradeRunner(RunnerDeps deps, RunnerSettings settings, Finished on_finished)
    : deps_(std::move(deps)),
      settings_(std::move(settings)),
      on_finished_(std::move(on_finished)) {}

Logger::Fields UpgradeRunner::EventFields() const {
  return {{"NYMVISOR_UPGRADE", state_->target.name},
          {"NYMVISOR_VERSION_FROM", state_->from_version},
          {"NYMVISOR_VERSION_TO", state_->target.version},
          {"NYMVISOR_STEP", std::string(StepName(state_->step))}};
}

void UpgradeRunner::Report(const std::string& what) {
  deps_.report("upgrading " + state_->from_version + " -> " + state_->target.version + ": " + what);
}

Status UpgradeRunner::Begin(UpgradeState initial) {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  initial.node_was_active = !unit.ok() || unit->active_state == "active" ||
                            unit->active_state == "activating" || unit->active_state == "reloading";
  initial.step = UpgradeStep::kStopping;
  NV_RETURN_IF_ERROR(deps_.records.SaveState(initial));
  state_ = std::move(initial);
  deps_.log.Event(5, message_ids::kUpgradeStarted,
                  "upgrading " + settings_.unit + " from " + state_->from_version + " to " +
                      state_->target.version + " (" + state_->target.name + ")",
                  EventFields());
  RunStep();
  return {};
}

void UpgradeRunner::Resume(UpgradeState state) {
  state.attempts += 1;
  state_ = std::move(state);
  deps_.log.Warning("resuming upgrade " + state_->target.name + " at step '" +
                    std::string(StepName(state_->step)) + "' (attempt " +
                    std::to_string(state_->attempts) + ")");
  bool forward = !IsRollbackStep(state_->step) && state_->step != UpgradeStep::kAborting &&
                 state_->step != UpgradeStep::kCommitting &&
                 state_->step != UpgradeStep::kRecordingFailure;
  if (forward && state_->attempts > settings_.max_attempts) {
    state_->failure =
        "the agent stopped " + std::to_string(state_->attempts - 1) + " times during this upgrade";
    return Enter(state_->switched ? UpgradeStep::kRollbackStopping : UpgradeStep::kAborting);
  }
  // While the agent was down the node may have been started again (by an
  // operator, or a unit that wants it), so every step before the health
  // check starts over from stopping it (a no-op if it is still stopped); a
  // completed backup is kept.
  bool before_health_check = forward && state_->step != UpgradeStep::kHealthCheck;
  Enter(before_health_check ? UpgradeStep::kStopping : state_->step);
}

void UpgradeRunner::Enter(UpgradeStep step) {
  state_->step = step;
  // A step runs only once it is recorded, or a restart would resume from a
  // record that no longer matches what was done (e.g. on a full disk).
  if (Status st = deps_.records.SaveState(*state_); !st.ok()) {
    deps_.log.Error("cannot record upgrade step " + std::string(StepName(step)) +
                    " (retrying): " + st.message());
    timer_ = deps_.scheduler.After(settings_.retry_delay, [this, step] { Enter(step); });
    return;
  }
  auto delay = settings_.step_delays.find(step);
  if (delay == settings_.step_delays.end()) return RunStep();
  deps_.log.Warning("test hook: pausing " + FormatDuration(delay->second) + " before step " +
                    std::string(StepName(step)));
  timer_ = deps_.scheduler.After(delay->second, [this] {
    timer_ = 0;
    RunStep();
  });
}

void UpgradeRunner::RunStep() {
  CancelTimers();
  Report(StepStatus(state_->step));
  switch (state_->step) {
    case UpgradeStep::kStopping:
    case UpgradeStep::kRollbackStopping:
      return QueueJob(/*start=*/false);
    case UpgradeStep::kStarting:
    case UpgradeStep::kRollbackStarting:
      return QueueJob(/*start=*/true);
    case UpgradeStep::kBackingUp:
      return RunBackup();
    case UpgradeStep::kSwapping:
      return RunSwap();
    case UpgradeStep::kHealthCheck:
      return BeginHealthCheck();
    case UpgradeStep::kCommitting:
      return RunCommit();
    case UpgradeStep::kAborting:
      return RunAbort();
    case UpgradeStep::kRestoring:
      return RunRestore();
    case UpgradeStep::kRollbackVerifying:
      return VerifyRollback();
    case UpgradeStep::kRecordingFailure:
      return RunRecordFailure();
  }
}

void UpgradeRunner::Advance(bool ok, const std::string& failure) {
  CancelTimers();
  if (!ok && state_->step == UpgradeStep::kRollbackStopping && UnitIsDown()) ok = true;
  if (!ok && !failure.empty()) {
    deps_.log.Warning("upgrade step '" + std::string(StepName(state_->step)) +
                      "' failed: " + failure);
    if (state_->failure.empty()) state_->failure = failure;
    UpgradeStep step = state_->step;
    bool undoing = step == UpgradeStep::kAborting || step == UpgradeStep::kRollbackStarting ||
                   step == UpgradeStep::kRollbackVerifying ||
                   (step == UpgradeStep::kRestoring && state_->backup_unusable);
    if (undoing) state_->node_down = true;  // the old version could not be brought back
  }
  std::optional<UpgradeStep> next = NextStep(*state_, ok);
  if (!next) return;
  if (*next == UpgradeStep::kRollbackStopping) state_->rolled_back = true;
  if (*next == state_->step) {  // a write failed: try the same step again later
    timer_ = deps_.scheduler.After(settings_.retry_delay, [this] { RunStep(); });
    return;
  }
  Enter(*next);
}

bool UpgradeRunner::UnitIsDown() {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  return unit.ok() && (unit->active_state == "inactive" || unit->active_state == "failed");
}

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
  if (!state_ || job.empty() || job != pending_job_) return;
  pending_job_.clear();
  bool start =
      state_->step == UpgradeStep::kStarting || state_->step == UpgradeStep::kRollbackStarting;
  Advance(result == "done", std::string(start ? "the start" : "the stop") + " job of " +
                                settings_.unit + " ended with '" + result + "'");
}

void UpgradeRunner::RunBackup() {
  if (!state_->backup_path.empty()) return Advance(true);  // taken before a restart
  std::string name = state_->target.name;
  auto result = std::make_shared<Result<std::filesystem::path>>(Status::Error("not run"));
  deps_.worker.Post([this, name, result] { *result = deps_.backups.Create(name); },
                    [this, result] {
                      if (!result->ok()) return Advance(false, result->status().message());
                      state_->backup_path = (*result)->string();
                      Advance(true);
                    });
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
    if (Status st = SwitchBack(); !st.ok()) return Advance(false, st.message());
  }
  if (!state_->node_was_active) return Advance(true);
  QueueJob(/*start=*/true);
}

void UpgradeRunner::RunRestore() {
  if (Status st = SwitchBack(); !st.ok()) return Advance(false, st.message());
  if (state_->skip_backup || state_->backup_path.empty()) return Advance(true);
  std::filesystem::path backup = state_->backup_path;
  auto result = std::make_shared<Status>();
  deps_.worker.Post([this, backup, result] { *result = deps_.backups.Restore(backup); },
                    [this, result] {
                      if (result->IsNotFound()) state_->backup_unusable = true;
                      Advance(result->ok(), result->message());
                    });
}

void UpgradeRunner::BeginHealthCheck() {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  if (!unit.ok()) return Advance(false, unit.status().message());
  if (!state_->health_started_at) {
    state_->restarts_before = unit->n_restarts;
    state_->health_started_at = deps_.clock.Now();
    (void)deps_.records.SaveState(*state_);
  }
  Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
  Duration left = std::max(Duration::zero(), settings_.health.period - elapsed);
  timer_ = deps_.scheduler.After(left, [this] { ReadAndJudge(/*at_end=*/true); });
  ReportHealthProgress();
  Judge(*unit, /*at_end=*/false);
}

void UpgradeRunner::ReadAndJudge(bool at_end) {
  if (!state_ || state_->step != UpgradeStep::kHealthCheck) return;
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  if (!unit.ok()) return Advance(false, unit.status().message());
  Judge(*unit, at_end);
}

void UpgradeRunner::Judge(const UnitState& unit, bool at_end) {
  if (!state_ || state_->step != UpgradeStep::kHealthCheck) return;
  Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
  Duration judged = at_end || hurried_ ? std::max(elapsed, settings_.health.period) : elapsed;
  HealthJudgement j = JudgeHealth(settings_.health, state_->restarts_before, unit, judged);
  if (j.verdict != HealthVerdict::kPending) {
    Advance(j.verdict == HealthVerdict::kHealthy, j.reason);
  }
}

void UpgradeRunner::ReportHealthProgress() {
  if (!state_ || state_->step != UpgradeStep::kHealthCheck) return;
  Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
  deps_.report("health check " + std::to_string(duration_cast<seconds>(elapsed).count()) + "/" +
               std::to_string(duration_cast<seconds>(settings_.health.period).count()) + " s of " +
               state_->target.version);
  tick_ = deps_.scheduler.After(std::chrono::seconds(5), [this] {
    tick_ = 0;
    ReportHealthProgress();
  });
}

void UpgradeRunner::OnUnitChanged(const std::string& unit, const UnitState& unit_state) {
  if (state_ && unit == settings_.unit) Judge(unit_state, /*at_end=*/false);
}

void UpgradeRunner::Hurry() {
  if (state_ && state_->step == UpgradeStep::kHealthCheck && state_->health_started_at) {
    Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
    if (settings_.health.period - elapsed <= settings_.stop_budget) return;  // wait for it
  }
  hurried_ = true;
  ReadAndJudge(/*at_end=*/true);
}

void UpgradeRunner::VerifyRollback() {
  timer_ = deps_.scheduler.After(settings_.rollback_check, [this] {
    Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
    bool up = unit.ok() && unit->active_state == "active";
    Advance(up, unit.ok() ? "the old version is " + unit->active_state + "/" + unit->sub_state
                          : unit.status().message());
  });
}

void UpgradeRunner::RunCommit() {
  if (Status st = deps_.records.Commit(*state_); !st.ok()) return Advance(false, st.message());
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  Logger::Fields fields = EventFields();
  std::string downtime;
  if (unit.ok() && unit->active_enter_usec > unit->active_exit_usec && unit->active_exit_usec) {
    uint64_t usec = unit->active_enter_usec - unit->active_exit_usec;
    fields.push_back({"NYMVISOR_DOWNTIME_USEC", std::to_string(usec)});
    downtime = ", down for " + std::to_string(usec / 1000) + " ms";
  }
  if (state_->leave_stopped) {
    deps_.log.Event(5, message_ids::kManualStartRequired,
                    "switched to " + state_->target.version + "; the node stays stopped until " +
                        "you run 'systemctl start " + settings_.unit + "'",
                    fields);
  } else {
    deps_.log.Event(5, message_ids::kUpgradeSucceeded,
                    settings_.unit + " now runs " + state_->target.version + downtime, fields);
  }
  Finish(true);
}

void UpgradeRunner::RunRecordFailure() {
  UpgradeOutcome outcome =
      state_->rolled_back ? UpgradeOutcome::kRolledBack : UpgradeOutcome::kFailed;
  Status st =
      deps_.records.RecordFailure(state_->target, outcome, state_->failure, state_->started_at);
  if (!st.ok()) return Advance(false, st.message());
  Logger::Fields fields = EventFields();
  fields.push_back({"NYMVISOR_REASON", state_->failure});
  if (state_->node_down) {
    deps_.log.Event(2, message_ids::kRollbackFailed,
                    "rollback of " + settings_.unit + " to " + state_->from_version +
                        " did not bring the node back: " + state_->failure,
                    fields);
  } else if (state_->rolled_back) {
    deps_.log.Event(4, message_ids::kUpgradeRolledBack,
                    "rolled back " + settings_.unit + " to " + state_->from_version + ": " +
                        state_->target.version + " was unhealthy (" + state_->failure + ")",
                    fields);
  } else {
    deps_.log.Event(
        4, message_ids::kUpgradeAborted,
        "upgrade to " + state_->target.version + " abandoned before the switch: " + state_->failure,
        fields);
  }
  Finish(false);
}

void UpgradeRunner::Finish(bool committed) {
  CancelTimers();
  if (Status st = deps_.records.ClearState(); !st.ok()) deps_.log.Error(st.message());
  if (committed && !state_->backup_path.empty()) {
    std::filesystem::path keep = state_->backup_path;
    uint32_t count = settings_.backups_to_keep;
    deps_.worker.Post([this, keep, count] { (void)deps_.backups.Prune(count, keep); }, [] {});
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
