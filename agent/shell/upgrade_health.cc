// The health check of an upgrade (step kHealthCheck): the gate's judgement
// of the unit's state changes, and its pause when someone else (an
// operator's `systemctl stop`) takes the node down during it; and the
// probes of the node's own API (daemon.health_check_url, build_info_url).
#include <algorithm>
#include <memory>

#include "agent/shell/upgrade_runner.h"

namespace nymvisor {

std::optional<HealthProgress> UpgradeRunner::health_progress() const {
  if (!InHealthCheck() || !state_->health_started_at || state_->health_paused_at) {
    return std::nullopt;
  }
  return HealthProgress{deps_.clock.Now() - *state_->health_started_at, settings_.health.period};
}

void UpgradeRunner::BeginHealthCheck() {
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  if (!unit.ok()) return Advance(false, unit.status().message());
  std::string boot = deps_.boot_id ? deps_.boot_id() : "";
  bool rebooted = state_->health_started_at && !boot.empty() && !state_->health_boot_id.empty() &&
                  boot != state_->health_boot_id;
  if (rebooted) {
    deps_.log.Warning("the machine restarted during the health check of " + state_->target.version +
                      ": it is watched for a full period again");
  }
  if (!state_->health_started_at || rebooted) {
    state_->restarts_before = unit->n_restarts;
    state_->health_started_at = deps_.clock.Now();
    state_->health_seen = Duration::zero();
    state_->health_boot_id = boot;
    (void)deps_.records.SaveState(*state_);
  } else if (!state_->health_paused_at) {
    ContinueHealthCheck(*unit);
  }
  if (state_->health_paused_at) return Judge(*unit, /*at_end=*/false);  // still the operator's
  ArmHealthTimers();
  Judge(*unit, /*at_end=*/false);
}

void UpgradeRunner::ContinueHealthCheck(const UnitState& unit) {
  // The clock restarts from what was seen: time while no agent watched (it
  // was killed, the power was off) proves nothing.
  state_->health_started_at = deps_.clock.Now() - state_->health_seen;
  if (unit.n_restarts < state_->restarts_before) state_->restarts_before = unit.n_restarts;
  (void)deps_.records.SaveState(*state_);
  deps_.log.Info("the health check of " + state_->target.version +
                 " continues: " + FormatDuration(state_->health_seen) + " of " +
                 FormatDuration(settings_.health.period) +
                 " were seen before the agent stopped; the time it was not watched does not count");
}

void UpgradeRunner::ArmHealthTimers() {
  Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
  Duration left = std::max(Duration::zero(), settings_.health.period - elapsed);
  timer_ = deps_.scheduler.After(left, [this] { ReadAndJudge(/*at_end=*/true); });
  // A new period asks the API afresh: what an earlier agent or an earlier
  // period saw is not known, so the stricter reading is to start over.
  api_ = {};
  api_round_ += 1;
  probing_ = false;
  TickHealthProgress();
}

void UpgradeRunner::ReadAndJudge(bool at_end) {
  if (!InHealthCheck()) return;
  if (state_->health_paused_at) return;  // nothing is judged for the operator
  Result<UnitState> unit = deps_.systemd.GetUnitState(settings_.unit);
  if (!unit.ok()) return Advance(false, unit.status().message());
  Judge(*unit, at_end);
}

void UpgradeRunner::Judge(const UnitState& unit, bool at_end) {
  // Entered but not begun (its record is being retried, or a test delay
  // holds it): there is no period to judge yet.
  if (!InHealthCheck() || !state_->health_started_at) return;
  if (state_->health_paused_at) {
    if (unit.IsUp()) ResumeAfterOperator(unit);
    return;
  }
  if (unit.IsDown() && !operator_jobs_.empty()) return PauseForOperator();
  Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
  Duration judged = at_end || hurried_ ? std::max(elapsed, settings_.health.period) : elapsed;
  HealthJudgement j = JudgeHealth(settings_.health, state_->restarts_before, unit, judged);
  if (j.verdict != HealthVerdict::kUnhealthy) {
    HealthJudgement api = JudgeApiHealth(ApiPolicy(), api_, judged >= settings_.health.period);
    if (api.verdict == HealthVerdict::kUnhealthy) j = api;
  }
  if (j.verdict != HealthVerdict::kPending) {
    Advance(j.verdict == HealthVerdict::kHealthy, j.reason);
  }
}

void UpgradeRunner::TickHealthProgress() {
  if (!InHealthCheck()) return;
  Duration seen = deps_.clock.Now() - *state_->health_started_at;
  if (seen > state_->health_seen) {
    state_->health_seen = seen;
    (void)deps_.records.SaveState(*state_);  // what a resumed check may count
  }
  if (deps_.changed) deps_.changed();
  ProbeApi();
  tick_ = deps_.scheduler.After(std::chrono::seconds(5), [this] {
    tick_ = 0;
    TickHealthProgress();
  });
}

void UpgradeRunner::OnUnitChanged(const std::string& unit, const UnitState& unit_state) {
  if (unit != settings_.unit) return;
  last_signalled_ = unit_state;
  if (state_) Judge(unit_state, /*at_end=*/false);
}

void UpgradeRunner::Hurry() {
  if (InHealthCheck() && state_->health_paused_at) return;  // the next agent goes on waiting
  if (InHealthCheck() && state_->health_started_at) {
    Duration elapsed = deps_.clock.Now() - *state_->health_started_at;
    if (settings_.health.period - elapsed <= settings_.stop_budget) return;  // wait for it
  }
  hurried_ = true;
  ReadAndJudge(/*at_end=*/true);
}

bool UpgradeRunner::InHealthCheck() const {
  return state_ && Spec(state_->step).effect == StepEffect::kJudgeHealth;
}

void UpgradeRunner::OnJobNew(const std::string& job, const std::string& unit) {
  if (!InHealthCheck() || unit != settings_.unit || job == pending_job_) return;
  if (state_->health_paused_at) return;
  // Only a job that meets the node running is someone's stop or restart;
  // systemd's own restart after a crash meets it in auto-restart. A fast
  // stop may have ended before this signal is read, so the state the bus
  // delivered last (in order, before this job) counts as well as a fresh read.
  auto running = [](const UnitState& u) {
    ActiveState s = u.active_state;
    return s == ActiveState::kActive || s == ActiveState::kReloading ||
           s == ActiveState::kDeactivating;
  };
  Result<UnitState> now = deps_.systemd.GetUnitState(settings_.unit);
  if ((now.ok() && running(*now)) || (last_signalled_ && running(*last_signalled_))) {
    operator_jobs_.insert(job);
  }
}

bool UpgradeRunner::OnOperatorJobRemoved(const std::string& job) {
  if (operator_jobs_.erase(job) == 0) return false;
  // JobRemoved may come before the unit's own change: read it fresh.
  Result<UnitState> now = deps_.systemd.GetUnitState(settings_.unit);
  if (InHealthCheck() && now.ok() && now->IsDown() && !state_->health_paused_at) {
    PauseForOperator();
  }
  return true;
}

void UpgradeRunner::PauseForOperator() {
  operator_jobs_.clear();
  CancelTimers();
  state_->health_paused_at = deps_.clock.Now();
  (void)deps_.records.SaveState(*state_);
  Logger::Fields fields = EventFields();
  deps_.log.Event(LogPriority::kWarning, "",
                  settings_.unit + " was stopped by someone else during the health check of " +
                      state_->target.version + ": nothing is judged and the node stays stopped; " +
                      "start it (systemctl start " + settings_.unit +
                      ") and it is watched for a full period again",
                  fields);
  if (deps_.changed) deps_.changed();
}

void UpgradeRunner::ResumeAfterOperator(const UnitState& unit) {
  state_->health_paused_at.reset();
  state_->restarts_before = unit.n_restarts;
  state_->health_started_at = deps_.clock.Now();
  (void)deps_.records.SaveState(*state_);
  deps_.log.Info(settings_.unit + " was started again: the health check of " +
                 state_->target.version + " begins a full period");
  ArmHealthTimers();
}

/// One round's answers, filled on the worker.
struct UpgradeRunner::ApiProbe {
  long health_status = 0;  ///< 0: not asked, or nothing answered
  std::string health_detail;
  bool asked_build = false;
  std::string build_body;
  std::string build_error;
};

namespace {

HttpRequest NodeProbe(const std::string& url) {
  HttpRequest r;
  r.url = url;
  r.node_probe = true;
  r.max_bytes = 64 * 1024;
  r.connect_timeout = std::chrono::seconds(2);
  r.total_timeout = std::chrono::seconds(4);
  r.stall_timeout = std::chrono::seconds(4);
  return r;
}

}  // namespace

ApiHealthPolicy UpgradeRunner::ApiPolicy() const {
  return {.health_url = settings_.health_url,
          .build_info_url = settings_.build_info_url,
          .expected_version = state_ ? state_->target.version : ""};
}

void UpgradeRunner::ProbeApi() {
  ApiHealthPolicy policy = ApiPolicy();
  if (!policy.asks() || !deps_.http || probing_ || !InHealthCheck()) return;
  if (!state_->health_started_at || state_->health_paused_at) return;
  probing_ = true;
  bool ask_build = !policy.build_info_url.empty() && !api_.build_ok;
  auto probe = std::make_shared<ApiProbe>();
  HttpClient* http = deps_.http;
  deps_.worker.Post(
      [http, policy, ask_build, probe] {
        if (!policy.health_url.empty()) {
          std::string ignored;
          Result<HttpResponse> r = http->Get(NodeProbe(policy.health_url), CollectBody(&ignored));
          probe->health_status = r.ok() ? r->status : 0;
          if (!r.ok()) probe->health_detail = r.status().message();
        }
        if (ask_build) {
          probe->asked_build = true;
          Result<HttpResponse> r =
              http->Get(NodeProbe(policy.build_info_url), CollectBody(&probe->build_body));
          if (!r.ok()) probe->build_error = r.status().message();
        }
      },
      [this, probe, round = api_round_] { OnApiProbed(*probe, round); });
}

void UpgradeRunner::OnApiProbed(const ApiProbe& probe, uint64_t round) {
  if (round != api_round_) return;  // a probe of an earlier period
  probing_ = false;
  if (!InHealthCheck() || state_->health_paused_at) return;
  ApiHealthPolicy policy = ApiPolicy();
  if (!policy.health_url.empty()) {
    bool first = !api_.answered;
    NoteHealthProbe(api_, probe.health_status, probe.health_detail);
    if (first && api_.answered) deps_.log.Info(policy.health_url + " answers");
  }
  if (probe.asked_build) {
    NoteBuildInfoProbe(api_, policy, probe.build_body, probe.build_error);
    if (api_.build_ok) {
      deps_.log.Info(policy.build_info_url + " reports build_version " + policy.expected_version);
    }
  }
  HealthJudgement j = JudgeApiHealth(policy, api_, /*at_end=*/false);
  if (j.verdict == HealthVerdict::kUnhealthy) Advance(false, j.reason);
}

}  // namespace nymvisor
