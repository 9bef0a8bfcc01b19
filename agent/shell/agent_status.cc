#include <nlohmann/json.hpp>

#include "agent/config/upstream_source.h"
#include "agent/decide/config_score.h"
#include "agent/decide/metrics.h"
#include "agent/shell/agent.h"

// The agent's status: the snapshot, and where it is published (STATUS=, the
// control API, the metrics textfile).

namespace nymvisor {
namespace {

const UpgradeInfo* Queued(const UpgradePlan& plan, const std::string& name) {
  return FindQueuedByName(plan, name);
}

}  // namespace

StatusSnapshot Agent::Snapshot() {
  StatusSnapshot s;
  s.instance_id = config_.nymvisor.id;
  s.node_unit = unit_;
  FillRecords(&s);
  FillActivity(&s);
  FillUpstream(&s);
  if (deps_.fleet) s.fleet = deps_.fleet->Report();
  return RedactSnapshot(std::move(s));
}

void Agent::FillUpstream(StatusSnapshot* s) const {
  const NymvisorSection& n = config_.nymvisor;
  s->upstream_source = n.upstream_source;
  s->upstream_url = PolledUrl(config_);
  if (n.upstream_source == "github") {
    s->upstream_repository = n.github_repository;
    s->upstream_tag_prefix = n.github_tag_prefix;
    FillNewestRelease(s);
  }
  if (!poller_ || !poller_->health().failing) return;
  const UpstreamHealth& health = poller_->health();
  s->upstream_failure = health.error;
  s->upstream_hint = health.hint;
  s->upstream_failing_since = health.since;
  s->upstream_failed_polls = health.failed_polls;
}

void Agent::FillNewestRelease(StatusSnapshot* s) const {
  if (!poller_ || poller_->newest_release().empty()) return;  // not polled yet
  s->newest_release = poller_->newest_release();
  s->versions_behind = VersionsBehindOf(s->current_version, s->newest_release);
  if (s->versions_behind) s->config_score = ConfigScore(*s->versions_behind);
}

void Agent::FillRecords(StatusSnapshot* s) {
  Result<UpgradePlan> plan = records_.LoadPlan();
  Result<CurrentVersion> current = records_.LoadCurrentVersion();
  if (current.ok()) {
    s->current_version = current->version;
    s->current_upgrade = current->name;
  } else if (plan.ok()) {
    s->current_version = plan->current.version;
    s->current_upgrade = plan->current.name;
  }
  const UpgradeInfo* next = plan.ok() ? Queued(*plan, next_upgrade_) : nullptr;
  if (next == nullptr) return;
  s->next_upgrade = next->name;
  s->next_upgrade_version = next->version;
  s->next_upgrade_time = next->upgrade_time;
  auto stage = stages_.find(next->name);
  StageStatus status = stage == stages_.end() ? StageStatus::kUnknown : stage->second.status;
  s->next_upgrade_staged = status == StageStatus::kStaged;
  s->next_upgrade_waits_for_binary = status == StageStatus::kWaitingForBinary;
  if (planned_ && next_upgrade_ == next->name) {
    s->next_upgrade_time = planned_->at;
    s->waiting_for = std::string(WaitingForName(planned_->waiting_for));
  }
  if (gate_.name == next->name && !gate_.waiting_for.empty()) {  // busy or hook postponed it
    s->waiting_for = gate_.waiting_for;
    if (gate_.retry_at) s->next_upgrade_time = gate_.retry_at;
  }
  if (gate_.name == next->name && gate_.apply_now) s->waiting_for = "hook";  // apply-now asked it
}

void Agent::FillActivity(StatusSnapshot* s) const {
  if (poller_) {
    s->next_check_time = poller_->next_check();
    if (const auto& check = poller_->last_check()) {
      s->last_check_time = check->at;
      s->last_check_ok = check->ok;
      s->last_check_result = check->result;
    }
  }
  s->download = download_;
  s->download_bytes = download_bytes_;
  s->progress = download_percent_;
  s->last_upgrade = last_upgrade_;
  s->last_upgrade_result = last_upgrade_result_;
  s->last_outcome = last_outcome_;
  s->last_downtime_usec = last_downtime_usec_;
  s->last_error = last_error_;
  if (const std::optional<UpgradeState>& u = runner_.state()) {
    s->step = u->step;
    s->upgrade = u->target.name;
    s->upgrade_from = u->from_version;
    s->upgrade_to = u->target.version;
    s->health_paused_at = u->health_paused_at;
    if (std::optional<HealthProgress> health = runner_.health_progress()) {
      s->health_elapsed = health->elapsed;
      s->health_period = health->period;
      s->progress = health->period > Duration::zero()
                        ? std::optional<uint32_t>(
                              std::min<int64_t>(100, health->elapsed * 100 / health->period))
                        : std::nullopt;
    }
  }
  s->held = hold_.has_value();
  s->checking = poller_ && poller_->checking();
  s->awaiting_start = awaiting_start_;
  s->node_down = node_down_ || left_down_;
  s->node_left_down = left_down_ ? DescribeNodeDown(*left_down_) : "";
  s->state = DeriveState(*s);
}

void Agent::Publish() {
  StatusSnapshot status = Snapshot();
  deps_.notifier.Status(FormatStatusLine(status));
  if (deps_.control != nullptr) deps_.control->Publish(status);
  WriteMetrics(status);
}

void Agent::RecountUpgrades() {
  Result<UpgradeHistory> history = records_.LoadHistory();
  if (history.ok()) counts_ = CountUpgrades(*history);
}

void Agent::WriteMetrics(const StatusSnapshot& status) {
  const std::string& path = config_.nymvisor.metrics_textfile;
  if (path.empty()) return;
  std::string text = FormatMetrics(status, counts_, config_.nymvisor.upstream_polling_rate);
  if (text == last_metrics_) return;
  // node_exporter reads the file at any moment: it is replaced atomically.
  if (Status st = deps_.files.WriteFileAtomic(path, text, 0644); !st.ok()) {
    if (!metrics_failing_) deps_.log.Warning("cannot write the metrics: " + st.message());
    metrics_failing_ = true;
    return;
  }
  metrics_failing_ = false;
  last_metrics_ = std::move(text);
}

}  // namespace nymvisor
