#include "agent/shell/agent.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "agent/base/message_ids.h"
#include "agent/base/semver.h"
#include "agent/config/url.h"

namespace nymvisor {
namespace {

constexpr Duration kRetryDelay = std::chrono::seconds(60);  // a failed look at the plan

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

const UpgradeInfo* Queued(const UpgradePlan& plan, const std::string& name) {
  return FindQueuedByName(plan, name);
}

/// What the status line says about the last upgrade, once it is over.
std::string OutcomeText(const UpgradeState& s, bool committed, const std::string& unit) {
  if (committed && s.leave_stopped) {
    return s.target.name + " switched to " + s.target.version + "; the node waits: run " +
           "'systemctl start " + unit + "'";
  }
  if (committed && s.revert) {
    return "rolled back from " + s.from_version + " to " + s.target.version + " on request";
  }
  if (committed) return "";
  return s.target.name + (s.rolled_back ? " rolled back: " : " failed: ") + s.failure;
}

}  // namespace

Agent::Agent(Config config, AgentDeps deps, TestHooks hooks)
    : config_(std::move(config)),
      layout_(MakeLayout(config_)),
      unit_(EffectiveUnit(config_)),
      deps_(std::move(deps)),
      records_(deps_.files, layout_),
      stager_(deps_.http, deps_.files, deps_.probes, deps_.make_hasher, deps_.host),
      runner_(RunnerDeps{
                  .systemd = deps_.systemd,
                  .backups = deps_.backups,
                  .records = records_,
                  .clock = deps_.clock,
                  .scheduler = deps_.scheduler,
                  .worker = deps_.worker,
                  .log = deps_.log,
                  .changed = [this] { Publish(); },
                  .boot_id = [this] { return deps_.host ? deps_.host->BootId() : std::string(); },
                  .http = &deps_.http,
                  .fleet = deps_.fleet},
              MakeRunnerSettings(config_, hooks),
              [this](const UpgradeState& s, bool committed) { OnUpgradeFinished(s, committed); }),
      stopping_(std::make_shared<std::atomic<bool>>(false)),
      hooks_(std::move(hooks)) {}

Agent::~Agent() = default;

Status Agent::Start() {
  NV_RETURN_IF_ERROR(ValidateLayout(layout_));
  NV_RETURN_IF_ERROR(records_.LoadPlan().status());
  NV_ASSIGN_OR_RETURN(std::string url, UpgradeInfoUrl(config_));
  NV_ASSIGN_OR_RETURN(signatures_, MakeSignatureSettings(config_));
  if (Result<HoldRecord> hold = records_.LoadHold(); hold.ok()) {
    hold_ = *hold;
  } else if (!hold.status().IsNotFound()) {
    return hold.status();
  }
  NV_RETURN_IF_ERROR(LoadNodeLeftDown(/*at_start=*/true));
  RecountUpgrades();
  deps_.systemd.SetEvents(
      {[this](const std::string& job, const std::string& unit) { runner_.OnJobNew(job, unit); },
       [this](const std::string& job, const std::string&, const std::string& result) {
         runner_.OnJobRemoved(job, result);
       },
       [this](const std::string& unit, const UnitState& state) {
         runner_.OnUnitChanged(unit, state);
         if (unit == unit_) OnNodeChanged(state);
       }});
  NV_RETURN_IF_ERROR(deps_.systemd.Subscribe());
  NV_RETURN_IF_ERROR(deps_.systemd.WatchUnit(unit_));
  NV_ASSIGN_OR_RETURN(std::optional<UpgradeState> in_flight, records_.LoadState());
  if (deps_.fleet) {  // before any step: a held slot's lease is kept alive at once
    deps_.fleet->OnChanged([this] { Publish(); });
    deps_.fleet->Start();
  }
  deps_.log.Info("nymvisor agent started for " + unit_ + "; upstream " + url +
                 (hold_ ? "; upgrades are held since " + FormatTimestamp(hold_->since) : ""));
  if (in_flight) {
    runner_.Resume(*in_flight);
  } else if (!left_down_) {
    StartNodeUnlessAwaited();
  }
  Reconcile();
  deps_.notifier.Ready(FormatStatusLine(Snapshot()));
  StartPoller();
  return {};
}

Result<SignatureSettings> Agent::MakeSignatureSettings(const Config& config) const {
  SignatureSettings settings;
  settings.required = config.nymvisor.require_signature;
  if (config.nymvisor.trusted_keys.empty()) return settings;
  if (!deps_.make_verifier) return Status::Error("signatures cannot be checked here");
  NV_ASSIGN_OR_RETURN(settings.verifier, deps_.make_verifier(config.nymvisor.trusted_keys));
  return settings;
}

void Agent::StartPoller() {
  Result<std::string> url = UpgradeInfoUrl(config_);  // validated by Start or Reload
  if (poller_) poller_->Stop();
  poller_ = std::make_unique<UpstreamPoller>(
      PollerDeps{.http = deps_.http,
                 .records = records_,
                 .clock = deps_.clock,
                 .scheduler = deps_.scheduler,
                 .worker = deps_.fetch_worker,
                 .log = deps_.log,
                 .jitter = deps_.jitter,
                 .signatures = signatures_,
                 .platform = deps_.platform},
      url.value_or(""), config_.nymvisor.upstream_polling_rate, [](const UpgradeInfo&) {},
      [this] {
        Reconcile();
        Publish();
      });
  if (config_.nymvisor.upstream_source == "github") {
    const NymvisorSection& n = config_.nymvisor;
    poller_->FollowGithub(GithubSource{.api_url = n.github_api_url,
                                       .repository = n.github_repository,
                                       .tag_prefix = n.github_tag_prefix,
                                       .binary = config_.daemon.name,
                                       .platform = deps_.platform,
                                       // min_release_age is a rule of the schedule
                                       // (PlanStart), so a reload re-plans it.
                                       .delay = Duration::zero(),
                                       .token = deps_.github_token});
  }
  poller_->Start();
}

Status Agent::LoadNodeLeftDown(bool at_start) {
  Result<NodeDownRecord> record = records_.LoadNodeDown();
  if (!record.ok()) {
    left_down_.reset();
    return record.status().IsNotFound() ? Status() : record.status();
  }
  left_down_ = *record;
  if (!at_start) return {};
  deps_.log.Event(
      LogPriority::kCritical, message_ids::kNodeLeftDown,
      unit_ + " is not started and no upgrade is applied: " + DescribeNodeDown(*left_down_),
      {{"NYMVISOR_UPGRADE", left_down_->upgrade},
       {"NYMVISOR_REASON", left_down_->reason},
       {"NYMVISOR_BACKUP", left_down_->backup}});
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
  bool down = state->IsDown();
  if (awaiting_start_ && !down) return OnNodeChanged(*state);  // started while we were away
  if (awaiting_start_) {
    last_outcome_ = "after a manual upgrade the node waits: run 'systemctl start " + unit_ + "'";
    deps_.log.Info("not starting " + unit_ + ": " + last_outcome_);
    return;
  }
  if (!down || state->job_pending) return;
  deps_.log.Info("starting " + unit_ + ", which is " +
                 std::string(ActiveStateName(state->active_state)));
  Result<std::string> job = deps_.systemd.StartUnit(unit_);
  if (!job.ok()) deps_.log.Warning("cannot start " + unit_ + ": " + job.status().message());
}

void Agent::OnNodeChanged(const UnitState& state) {
  if (runner_.active() || state.active_state != ActiveState::kActive) return;
  if (node_down_) {
    node_down_ = false;
    Publish();
  }
  if (!awaiting_start_) return;
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
    Result<UpgradePlan> plan = records_.LoadPlan();
    if (!plan.ok()) {
      deps_.log.Error(plan.status().message());
      return;
    }
    std::erase_if(stages_, [&](const auto& s) { return Queued(*plan, s.first) == nullptr; });
    ScheduleDecision decision =
        ApplyPolicy(DecideSchedule(*plan, stages_, deps_.clock.Now(), hold_ || left_down_), *plan);
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
      StartDueUpgrade(*entry);
      return false;
    case Kind::kIdle:
    case Kind::kWait:
      ArmTimer(decision.at);
      next_upgrade_ = decision.name;
      Publish();
      return false;
  }
  return false;
}

void Agent::Refuse(const UpgradeInfo& info, const std::string& reason, std::string_view id,
                   UpgradeOutcome outcome) {
  Status st = records_.RecordFailure(info, outcome, reason, deps_.clock.Now());
  if (!st.ok()) {
    // Unrecorded, it would be staged and refused again at once (a full disk
    // fails both): try the whole thing again later instead.
    RetryStagingLater(info.name, "recording the refusal of " + info.name,
                      st.message() + " (refused because: " + reason + ")");
    last_error_ = reason;
    return;
  }
  Logger::Fields fields = UpgradeEventFields(info);
  fields.push_back({"NYMVISOR_REASON", reason});
  deps_.log.Event(LogPriority::kError, id,
                  "upgrade " + info.name + " will not be applied: " + reason, fields);
  last_outcome_ = info.name + " refused: " + reason;
  last_upgrade_ = info.name;
  last_upgrade_result_ = "refused";
  last_error_ = reason;
  RecountUpgrades();
  stages_.erase(info.name);
  ReportOutcome(info, RunningVersion(), "refused", reason);
}

void Agent::BeginUpgrade(const UpgradeInfo& target) {
  Result<CurrentVersion> current = records_.LoadCurrentVersion();
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
  state.fleet = deps_.fleet != nullptr;  // windows, age and spread were met: the slot comes next
  if (Status st = runner_.Begin(state); !st.ok()) {
    deps_.log.Error("cannot start upgrade " + target.name + ": " + st.message());
    last_error_ = st.message();
    ArmTimer(deps_.clock.Now() + kRetryDelay);
    return;
  }
  if (deps_.control) deps_.control->UpgradeStarted(target.name, current->version, target.version);
}

void Agent::OnUpgradeFinished(const UpgradeState& state, bool committed) {
  stages_.erase(state.target.name);
  staged_builds_.erase(state.target.name);
  last_outcome_ = OutcomeText(state, committed, unit_);
  last_upgrade_ = state.revert ? state.from_name : state.target.name;
  last_upgrade_result_ = committed ? (state.revert          ? "reverted"
                                      : state.leave_stopped ? "switched"
                                                            : "completed")
                                   : (state.rolled_back ? "rolled-back" : "failed");
  if (!committed) last_error_ = state.failure;
  node_down_ = state.node_down;
  if (state.node_down) {
    if (Status st = LoadNodeLeftDown(/*at_start=*/false); !st.ok()) deps_.log.Error(st.message());
  }
  Result<UnitState> unit = deps_.systemd.GetUnitState(unit_);
  if (unit.ok() && unit->LastDowntimeUsec() != 0) last_downtime_usec_ = unit->LastDowntimeUsec();
  awaiting_start_ = committed && state.leave_stopped;
  RecountUpgrades();
  UpgradeInfo reported = state.target;
  if (state.revert) reported.name = state.from_name;  // the upgrade undone
  ReportOutcome(reported, state.from_version, PostHookOutcome(state, committed),
                committed ? "" : state.failure,
                state.fleet && state.rolled_back && !committed ? state.target.version : "");
  if (deps_.control) {
    deps_.control->UpgradeFinished(state.target.name,
                                   committed ? state.target.version : state.from_version,
                                   last_upgrade_result_, committed ? "" : state.failure);
  }
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
  // A health check paused for the operator is recorded: the next agent waits
  // on; so is an upgrade waiting for its fleet slot (the node was not touched).
  if (!runner_.active() || runner_.paused_for_operator() || runner_.waiting_for_slot()) {
    return done();
  }
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

}  // namespace nymvisor
