#include "agent/upstream_poller.h"

#include <memory>

#include "agent/message_ids.h"
#include "agent/upstream_decision.h"

namespace nymvisor {
namespace {

constexpr Duration kMaxJitter = std::chrono::minutes(5);

Logger::Fields OfferFields(const UpgradeInfo& offered, const std::string& current) {
  return {{"NYMVISOR_UPGRADE", offered.name},
          {"NYMVISOR_VERSION_FROM", current},
          {"NYMVISOR_VERSION_TO", offered.version}};
}

}  // namespace

UpstreamPoller::UpstreamPoller(PollerDeps deps, std::string url, Duration period,
                               std::function<void(const UpgradeInfo&)> on_queued,
                               std::function<void()> on_checked)
    : deps_(std::move(deps)),
      url_(std::move(url)),
      period_(period),
      on_queued_(std::move(on_queued)),
      on_checked_(std::move(on_checked)) {}

void UpstreamPoller::Start() { Check(); }

void UpstreamPoller::Stop() {
  stopped_ = true;
  if (timer_ != 0) deps_.scheduler.Cancel(timer_);
  timer_ = 0;
}

void UpstreamPoller::ScheduleNext() {
  if (stopped_) return;
  Duration delay = period_ + deps_.jitter(std::min(period_ / 10, kMaxJitter));
  next_check_ = deps_.clock.Now() + delay;
  timer_ = deps_.scheduler.After(delay, [this] {
    timer_ = 0;
    Check();
  });
}

void UpstreamPoller::Check() {
  HttpRequest request;
  request.url = url_;
  request.if_none_match = etag_;
  request.if_modified_since = last_modified_;
  auto fetched = std::make_shared<Fetched>();
  deps_.worker.Post(
      [this, request, fetched] {
        fetched->response = deps_.http.Get(request, [fetched](const BodyChunk& chunk) {
          fetched->body.resize(chunk.offset);
          fetched->body.append(chunk.data);
          return Status();
        });
      },
      [this, fetched] {
        OnFetched(*fetched);
        ScheduleNext();
        if (on_checked_) on_checked_();
      });
}

void UpstreamPoller::OnFetched(const Fetched& fetched) {
  if (!fetched.response.ok()) {
    if (!unreachable_) {
      deps_.log.Event(4, message_ids::kUpstreamUnreachable,
                      "cannot read upgrade information: " + fetched.response.status().message(),
                      {{"NYMVISOR_REASON", fetched.response.status().message()}});
    }
    unreachable_ = true;
    return;
  }
  unreachable_ = false;
  if (fetched.response->NotModified()) return;
  etag_ = fetched.response->etag;
  last_modified_ = fetched.response->last_modified;
  Result<UpgradeInfo> offered = ParseUpgradeInfo(fetched.body);
  if (!offered.ok()) {
    ReportOnce(
        "bad:" + fetched.body, 4, message_ids::kUpstreamUnreachable,
        "upstream " + url_ + " sent unusable upgrade information: " + offered.status().message(),
        {{"NYMVISOR_REASON", offered.status().message()}});
    etag_.clear();  // fetch it again next time rather than trusting the cache
    last_modified_.clear();
    return;
  }
  Handle(*offered);
}

void UpstreamPoller::Handle(const UpgradeInfo& offered) {
  RecordStore& store = deps_.records.store();
  Result<UpgradePlan> plan = store.LoadPlan();
  Result<UpgradeHistory> history = store.LoadHistory();
  if (!plan.ok() || !history.ok()) {
    deps_.log.Error((plan.ok() ? history.status() : plan.status()).message());
    return;
  }
  UpstreamDecision decision = DecideUpstream(offered, *plan, *history);
  Logger::Fields fields = OfferFields(offered, plan->current.version);
  std::string key = offered.name + "@" + offered.version;
  switch (decision.verdict) {
    case UpstreamVerdict::kUpToDate:
    case UpstreamVerdict::kAlreadyQueued:
      return;
    case UpstreamVerdict::kDowngrade:
      return ReportOnce(key, 4, message_ids::kDowngradeRefused,
                        "refusing downgrade: " + decision.detail, fields);
    case UpstreamVerdict::kNameConflict:
    case UpstreamVerdict::kInvalid:
    case UpstreamVerdict::kBlocked:
      fields.push_back({"NYMVISOR_REASON", decision.detail});
      return ReportOnce(key, decision.verdict == UpstreamVerdict::kBlocked ? 4 : 3, "",
                        "not queuing upstream upgrade " + offered.name + ": " + decision.detail,
                        fields);
    case UpstreamVerdict::kQueue:
      break;
  }
  if (Status st = deps_.records.Queue(offered); !st.ok()) {
    deps_.log.Error("cannot queue upgrade " + offered.name + ": " + st.message());
    return;
  }
  deps_.log.Event(5, message_ids::kUpgradeQueued,
                  "queued upgrade " + offered.name + " to " + offered.version + " for " +
                      FormatTimestamp(offered.upgrade_time),
                  fields);
  on_queued_(offered);
}

void UpstreamPoller::ReportOnce(const std::string& key, int priority, std::string_view message_id,
                                const std::string& message, Logger::Fields fields) {
  if (!reported_.insert(key).second) return;
  deps_.log.Event(priority, message_id, message, std::move(fields));
}

}  // namespace nymvisor
