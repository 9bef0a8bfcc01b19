#include "agent/agent.h"

#include <cstdio>

#include "agent/message_ids.h"
#include "agent/semver.h"
#include "agent/url.h"

namespace nymvisor {
namespace {

constexpr Duration kRetryDelay = std::chrono::seconds(60);
constexpr Duration kBinaryRecheck = std::chrono::seconds(30);

std::string ShortTime(Timestamp t, bool with_date) {
  std::string full = FormatTimestamp(std::chrono::floor<std::chrono::seconds>(t));
  return with_date ? full.substr(0, 10) + " " + full.substr(11, 5) + " UTC"
                   : full.substr(11, 5) + " UTC";
}

/// The last gate before the node is stopped: the queue may hold an older
/// version (added by hand, or due before a newer one), never applied.
Status CheckNewer(const UpgradeInfo& target, const CurrentVersion& current) {
  Result<SemanticVersion> to = ParseSemanticVersion(target.version);
  Result<SemanticVersion> from = ParseSemanticVersion(current.version);
  if (!to.ok()) return to.status();
  if (from.ok() && CompareVersions(*to, *from) <= 0) {
    return Status::Error(target.version + " is not newer than the running " + current.version);
  }
  return {};
}

Logger::Fields UpgradeFields(const UpgradeInfo& info) {
  return {{"NYMVISOR_UPGRADE", info.name}, {"NYMVISOR_VERSION_TO", info.version}};
}

const UpgradeInfo* Queued(const UpgradePlan& plan, const std::string& name) {
  return FindQueuedByName(plan, name);
}

RunnerSettings MakeRunnerSettings(const Config& config, StepDelays step_delays) {
  RunnerSettings settings;
  settings.unit = EffectiveUnit(config);
  settings.health = {HealthCheckPeriod(config), config.daemon.max_startup_failures};
  settings.backups_to_keep = config.daemon.backups_to_keep;
  settings.step_delays = std::move(step_delays);
  return settings;
}

/// What the status line says about the last upgrade, once it is over.
std::string OutcomeText(const UpgradeState& s, bool committed, const std::string& unit) {
  if (committed && s.leave_stopped) {
    return s.target.name + " switched to " + s.target.version + "; the node waits: run " +
           "'systemctl start " + unit + "'";
  }
  if (committed) return "";
  return s.target.name + (s.rolled_back ? " rolled back: " : " failed: ") + s.failure;
}

}  // namespace

Agent::Agent(Config config, AgentDeps deps, StepDelays step_delays)
    : config_(std::move(config)),
      layout_(MakeLayout(config_)),
      unit_(EffectiveUnit(config_)),
      deps_(std::move(deps)),
      records_(deps_.files, layout_),
      stager_(deps_.http, deps_.files, deps_.probe_runner),
      runner_(RunnerDeps{deps_.systemd, deps_.backups, records_, deps_.clock, deps_.scheduler,
                         deps_.worker, deps_.log, [this](const std::string& s) { Report(s); }},
              MakeRunnerSettings(config_, std::move(step_delays)),
              [this](const UpgradeState& s, bool committed) { OnUpgradeFinished(s, committed); }),
      stopping_(std::make_shared<std::atomic<bool>>(false)) {}

Agent::~Agent() = default;

Status Agent::Start() {
  NV_RETURN_IF_ERROR(ValidateLayout(layout_));
  NV_RETURN_IF_ERROR(records_.store().LoadPlan().status());
  std::string url = config_.daemon.absolute_upstream_upgrade_url;
  if (url.empty()) {
    NV_ASSIGN_OR_RETURN(url, UpgradeInfoUrlFromBase(config_.nymvisor.upstream_base_upgrade_url,
                                                    config_.daemon.name));
  }
  deps_.systemd.SetEvents({[this](const std::string& job, const std::string&,
                                  const std::string& result) { runner_.OnJobRemoved(job, result); },
                           [this](const std::string& unit, const UnitState& state) {
                             runner_.OnUnitChanged(unit, state);
                             if (unit == unit_) OnNodeChanged(state);
                           }});
  NV_RETURN_IF_ERROR(deps_.systemd.Subscribe());
  NV_RETURN_IF_ERROR(deps_.systemd.WatchUnit(unit_));
  NV_ASSIGN_OR_RETURN(std::optional<UpgradeState> in_flight, records_.LoadState());
  poller_ = std::make_unique<UpstreamPoller>(
      PollerDeps{deps_.http, records_, deps_.clock, deps_.scheduler, deps_.worker, deps_.log,
                 deps_.jitter},
      url, config_.nymvisor.upstream_polling_rate, [](const UpgradeInfo&) {},
      [this] { Reconcile(); });
  deps_.log.Info("nymvisor agent started for " + unit_ + "; upstream " + url);
  if (in_flight) {
    runner_.Resume(*in_flight);
  } else {
    StartNodeUnlessAwaited();
  }
  Reconcile();
  deps_.notifier.Ready(status_);
  poller_->Start();
  return {};
}

// The agent's unit does not Wants= the node, so that a restart of the agent
// cannot start a node that a manual upgrade left stopped; starting the agent
// (as `systemctl enable --now` does) starts the node here instead.
void Agent::StartNodeUnlessAwaited() {
  awaiting_start_ = records_.AwaitingStart();
  Result<UnitState> state = deps_.systemd.GetUnitState(unit_);
  if (!state.ok())
    return deps_.log.Warning("cannot read " + unit_ + ": " + state.status().message());
  bool down = state->active_state == "inactive" || state->active_state == "failed";
  if (awaiting_start_ && !down) return OnNodeChanged(*state);  // started while we were away
  if (awaiting_start_) {
    last_outcome_ = "after a manual upgrade the node waits: run 'systemctl start " + unit_ + "'";
    deps_.log.Info("not starting " + unit_ + ": " + last_outcome_);
    return;
  }
  if (!down || state->job_pending) return;
  deps_.log.Info("starting " + unit_ + ", which is " + state->active_state);
  Result<std::string> job = deps_.systemd.StartUnit(unit_);
  if (!job.ok()) deps_.log.Warning("cannot start " + unit_ + ": " + job.status().message());
}

void Agent::OnNodeChanged(const UnitState& state) {
  if (!awaiting_start_ || runner_.active() || state.active_state != "active") return;
  awaiting_start_ = false;
  if (Status st = records_.ClearAwaitingStart(); !st.ok()) deps_.log.Error(st.message());
  deps_.log.Info(unit_ + " was started after the manual upgrade");
  last_outcome_.clear();
  Reconcile();
}

void Agent::OnPlanChanged() {
  for (auto& [name, record] : stages_) {
    if (record.status == StageStatus::kWaitingForBinary) record = StageRecord{};
  }
  Reconcile();
}

void Agent::Reconcile() {
  for (int i = 0; i < 32; ++i) {
    if (runner_.active() || *stopping_) return;  // also after a nested Reconcile
    Result<UpgradePlan> plan = records_.store().LoadPlan();
    if (!plan.ok()) {
      deps_.log.Error(plan.status().message());
      return;
    }
    std::erase_if(stages_, [&](const auto& s) { return Queued(*plan, s.first) == nullptr; });
    ScheduleDecision decision = DecideSchedule(*plan, stages_, deps_.clock.Now());
    if (!ApplyDecision(decision, *plan)) return;
  }
}

bool Agent::ApplyDecision(const ScheduleDecision& decision, const UpgradePlan& plan) {
  using Kind = ScheduleDecision::Kind;
  const UpgradeInfo* entry = Queued(plan, decision.name);
  switch (decision.kind) {
    case Kind::kRefuse:
      Refuse(*entry, decision.reason);
      return true;
    case Kind::kStage:
      StartStaging(*entry);
      return true;
    case Kind::kUpgrade:
      BeginUpgrade(*entry);
      return false;
    case Kind::kIdle:
    case Kind::kWait:
      ArmTimer(decision.at);
      ReportIdle(plan, decision);
      return false;
  }
  return false;
}

void Agent::StartStaging(const UpgradeInfo& info) {
  stages_[info.name] = {StageStatus::kInProgress, ""};
  StageRequest request{info, layout_, CurrentPlatform(), config_.daemon.allow_binaries_download,
                       config_.daemon.enforce_download_checksum};
  auto result = std::make_shared<Result<StagedBinary>>(Status::Error("not staged"));
  auto stopping = stopping_;
  auto last_percent = std::make_shared<int>(-1);
  auto progress = [this, stopping, last_percent, name = info.name](uint64_t done,
                                                                   std::optional<uint64_t> total) {
    int percent = total && *total > 0 ? static_cast<int>(done * 100 / *total) : -1;
    if (percent != *last_percent) {
      *last_percent = percent;
      std::string text = "downloading " + name +
                         (percent >= 0 ? " " + std::to_string(percent) + "%"
                                       : " " + std::to_string(done) + " bytes");
      deps_.worker.RunOnMain([this, text] { Report(progress_ = text); });
    }
    return !stopping->load();
  };
  deps_.worker.Post(
      [this, request, result, progress] { *result = stager_.Stage(request, progress); },
      [this, result, name = info.name] { OnStaged(name, *result); });
}

void Agent::OnStaged(const std::string& name, const Result<StagedBinary>& result) {
  progress_.clear();
  if (*stopping_) return;
  Result<UpgradePlan> plan = records_.store().LoadPlan();
  const UpgradeInfo* info = plan.ok() ? Queued(*plan, name) : nullptr;
  if (info == nullptr) return Reconcile();
  if (result.ok()) {
    stages_[name] = {StageStatus::kStaged, ""};
    staged_builds_[name] = result->build;
    deps_.log.Event(
        5, message_ids::kUpgradeStaged,
        "upgrade " + name + " staged: " + info->version + " verified" +
            (result->downloaded ? " after downloading " + std::to_string(result->bytes) + " bytes"
                                : ""),
        UpgradeFields(*info));
  } else if (result.status().IsNotFound() || result.status().IsUnavailable()) {
    bool waiting = result.status().IsNotFound();
    stages_[name] = {waiting ? StageStatus::kWaitingForBinary : StageStatus::kInProgress,
                     result.status().message()};
    if (!waiting)
      deps_.log.Warning("staging " + name + " will be retried: " + result.status().message());
    if (retry_timer_ != 0) deps_.scheduler.Cancel(retry_timer_);
    retry_timer_ = deps_.scheduler.After(waiting ? kBinaryRecheck : kRetryDelay, [this, name] {
      retry_timer_ = 0;
      stages_.erase(name);
      Reconcile();
    });
  } else {
    stages_[name] = {StageStatus::kFailed, result.status().message()};
  }
  Reconcile();
}

void Agent::Refuse(const UpgradeInfo& info, const std::string& reason, std::string_view id) {
  Status st = records_.RecordFailure(info, UpgradeOutcome::kFailed, reason, deps_.clock.Now());
  if (!st.ok()) deps_.log.Error("cannot record the failure of " + info.name + ": " + st.message());
  Logger::Fields fields = UpgradeFields(info);
  fields.push_back({"NYMVISOR_REASON", reason});
  deps_.log.Event(3, id, "upgrade " + info.name + " will not be applied: " + reason, fields);
  last_outcome_ = info.name + " refused: " + reason;
  stages_.erase(info.name);
}

void Agent::BeginUpgrade(const UpgradeInfo& target) {
  Result<CurrentVersion> current = records_.store().LoadCurrentVersion();
  if (!current.ok()) {
    deps_.log.Error("not upgrading: " + current.status().message());
    return;
  }
  if (Status st = CheckNewer(target, *current); !st.ok()) {
    Refuse(target, st.message(), message_ids::kDowngradeRefused);
    return Reconcile();
  }
  UpgradeState state;
  state.target = target;
  state.target_build = staged_builds_[target.name];
  state.from_name = current->name;
  state.from_version = current->version;
  state.from_build = current->binary_details;
  state.started_at = deps_.clock.Now();
  state.skip_backup = config_.daemon.unsafe_skip_backup;
  state.leave_stopped = target.manual || !config_.daemon.restart_after_upgrade;
  if (Status st = runner_.Begin(state); !st.ok()) {
    deps_.log.Error("cannot start upgrade " + target.name + ": " + st.message());
    ArmTimer(deps_.clock.Now() + kRetryDelay);
  }
}

void Agent::OnUpgradeFinished(const UpgradeState& state, bool committed) {
  stages_.erase(state.target.name);
  staged_builds_.erase(state.target.name);
  last_outcome_ = OutcomeText(state, committed, unit_);
  awaiting_start_ = committed && state.leave_stopped;
  if (*stopping_) {
    if (on_stopped_) on_stopped_();
    return;
  }
  Reconcile();
}

void Agent::Stop(std::function<void()> done) {
  *stopping_ = true;
  deps_.notifier.Stopping(runner_.active() ? "stopping after the upgrade in progress" : "stopping");
  if (poller_) poller_->Stop();
  ArmTimer(std::nullopt);
  if (retry_timer_ != 0) deps_.scheduler.Cancel(retry_timer_);
  retry_timer_ = 0;
  if (!runner_.active()) return done();
  on_stopped_ = std::move(done);
  runner_.Hurry();
}

void Agent::ArmTimer(std::optional<Timestamp> at) {
  if (due_timer_ != 0) deps_.scheduler.Cancel(due_timer_);
  due_timer_ = 0;
  if (at) {
    due_timer_ = deps_.scheduler.At(*at, [this] {
      due_timer_ = 0;
      Reconcile();
    });
  }
}

void Agent::ReportIdle(const UpgradePlan& plan, const ScheduleDecision& decision) {
  Result<CurrentVersion> current = records_.store().LoadCurrentVersion();
  std::string text = "idle, running " + (current.ok() ? current->version : plan.current.version);
  if (poller_ && poller_->next_check())
    text += ", next check " + ShortTime(*poller_->next_check(), false);
  if (const UpgradeInfo* next = Queued(plan, decision.name)) {
    text += "; next upgrade " + next->name + " (" + next->version + ") at " +
            ShortTime(next->upgrade_time, true);
    auto stage = stages_.find(next->name);
    if (stage != stages_.end() && stage->second.status == StageStatus::kStaged) text += ", staged";
    if (stage != stages_.end() && stage->second.status == StageStatus::kWaitingForBinary) {
      text += ", waiting for its binary (add-upgrade)";
    }
  }
  if (!last_outcome_.empty()) text += "; last: " + last_outcome_;
  Report(progress_.empty() ? text : progress_);
}

void Agent::Report(const std::string& status) {
  status_ = status;
  deps_.notifier.Status(status);
}

}  // namespace nymvisor
