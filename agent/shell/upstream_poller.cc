#include "agent/shell/upstream_poller.h"

#include <memory>

#include "agent/base/message_ids.h"
#include "agent/base/strings.h"
#include "agent/decide/upstream_decision.h"

namespace nymvisor {
namespace {

constexpr Duration kMaxJitter = std::chrono::minutes(5);

/// Says the node is behind and when it upgrades: at once when the upgrade's
/// time has passed (a release published before this instance started).
std::string QueuedMessage(const UpgradeInfo& offered, const std::string& running, Timestamp now) {
  std::string text = "queued upgrade " + offered.name + " to " + offered.version + " for " +
                     FormatTimestamp(offered.upgrade_time);
  if (running.empty()) return text;
  text += ": the node runs " + running + ", behind " + offered.version + "; it upgrades ";
  return text + (offered.upgrade_time <= now
                     ? "as soon as the binary is staged (its time has passed)"
                     : "at " + FormatTimestamp(offered.upgrade_time));
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

void UpstreamPoller::CheckNow() {
  if (checking_ || stopped_) return;
  if (timer_ != 0) deps_.scheduler.Cancel(timer_);
  timer_ = 0;
  Check();
}

void UpstreamPoller::Stop() {
  stopped_ = true;
  if (timer_ != 0) deps_.scheduler.Cancel(timer_);
  timer_ = 0;
}

void UpstreamPoller::FollowGithub(GithubSource source) {
  url_ = source.ReleasesUrl();
  github_ = std::move(source);
}

void UpstreamPoller::ScheduleNext(std::optional<Timestamp> at) {
  if (stopped_) return;
  Duration delay = period_ + deps_.jitter(std::min(period_ / 10, kMaxJitter));
  if (at) delay = std::max<Duration>(*at - deps_.clock.Now(), std::chrono::seconds(1));
  next_check_ = deps_.clock.Now() + delay;
  timer_ = deps_.scheduler.After(delay, [this] {
    timer_ = 0;
    Check();
  });
}

void UpstreamPoller::Check() {
  if (github_) return CheckGithub();
  HttpRequest request;
  request.url = url_;
  request.if_none_match = etag_;
  request.if_modified_since = last_modified_;
  request.absent_is_an_answer = true;  // a 404 is told apart: Nym no longer publishes the file
  auto fetched = std::make_shared<Fetched>();
  checking_ = true;
  deps_.worker.Post(
      [this, request, fetched] {
        fetched->response = deps_.http.Get(request, CollectBody(&fetched->body));
        if (deps_.signatures.enabled() && fetched->response.ok() &&
            !fetched->response->NotModified() && !fetched->response->Absent()) {
          fetched->signature =
              FetchSignature(deps_.http, *deps_.signatures.verifier, request.url, fetched->body);
        }
      },
      [this, fetched] {
        checking_ = false;
        OnFetched(*fetched);
        ScheduleNext();
        if (on_checked_) on_checked_();
      });
}

void UpstreamPoller::Unreachable(const Status& error) {
  UpstreamHealthEvent event =
      NoteUpstreamPoll(&health_, SourceName(), url_, error, deps_.clock.Now());
  if (event.kind == UpstreamHealthEvent::Kind::kFailing) {
    deps_.log.Event(LogPriority::kWarning, message_ids::kUpstreamUnreachable, event.message,
                    {{"NYMVISOR_URL", health_.url},
                     {"NYMVISOR_REASON", health_.error},
                     {"NYMVISOR_HINT", health_.hint}});
  }
  Checked(false, error.message() + " (" + health_.hint + ")");
}

void UpstreamPoller::Answered() {
  std::string url = health_.url;
  UpstreamHealthEvent event = NoteUpstreamPoll(&health_, SourceName(), url_, {}, deps_.clock.Now());
  if (event.kind == UpstreamHealthEvent::Kind::kRecovered) {
    deps_.log.Event(LogPriority::kNotice, message_ids::kUpstreamRecovered, event.message,
                    {{"NYMVISOR_URL", url}});
  }
}

void UpstreamPoller::CheckGithub() {
  auto result = std::make_shared<Result<GithubCheck>>(Status::Error("not checked"));
  GithubSource source = *github_;
  std::string etag = etag_;
  Timestamp now = deps_.clock.Now();
  checking_ = true;
  deps_.worker.Post([this, source, etag, now,
                     result] { *result = CheckGithubReleases(deps_.http, source, etag, now); },
                    [this, result] {
                      checking_ = false;
                      ScheduleNext(OnGithubChecked(*result));
                      if (on_checked_) on_checked_();
                    });
}

std::optional<Timestamp> UpstreamPoller::OnGithubChecked(const Result<GithubCheck>& result) {
  using Kind = GithubCheck::Kind;
  if (!result.ok()) {
    Unreachable(result.status());
    return std::nullopt;
  }
  Answered();
  const GithubCheck& check = *result;
  if (check.kind == Kind::kNotModified) {
    Checked(true, "not modified");
    return std::nullopt;
  }
  if (check.kind == Kind::kRateLimited) {
    std::string message = check.reason + ": waiting until " + FormatTimestamp(check.retry_at);
    ReportOnce("rate-limit@" + FormatTimestamp(check.retry_at), LogPriority::kWarning,
               message_ids::kUpstreamUnreachable, message, {{"NYMVISOR_REASON", check.reason}});
    Checked(false, message);
    return check.retry_at;
  }
  etag_ = check.etag;
  if (check.kind == Kind::kNothing) {
    Checked(true, check.reason);
  } else if (check.kind == Kind::kRefused) {
    ReportOnce("refused:" + check.reason, LogPriority::kWarning, "",
               "not using GitHub release: " + check.reason, {{"NYMVISOR_REASON", check.reason}});
    Checked(false, check.reason);
  } else {
    newest_release_ = check.offer.version;
    Handle(check.offer);
  }
  return std::nullopt;
}

void UpstreamPoller::OnFetched(const Fetched& fetched) {
  if (!fetched.response.ok()) return Unreachable(fetched.response.status());
  if (fetched.response->Absent()) {
    return Unreachable(Status::NotFound("HTTP status " + std::to_string(fetched.response->status) +
                                        " from " + url_));
  }
  Answered();
  if (fetched.response->NotModified()) return Checked(true, "not modified");
  etag_ = fetched.response->etag;
  last_modified_ = fetched.response->last_modified;
  if (!SignatureAccepted(fetched)) {
    etag_.clear();  // fetch it again next time: the refusal is not cached
    last_modified_.clear();
    return;
  }
  Result<UpgradeInfo> offered = ParseUpgradeInfo(fetched.body);
  if (!offered.ok()) {
    ReportOnce(
        "bad:" + fetched.body, LogPriority::kWarning, message_ids::kUpstreamUnreachable,
        "upstream " + url_ + " sent unusable upgrade information: " + offered.status().message(),
        {{"NYMVISOR_REASON", offered.status().message()}});
    etag_.clear();  // fetch it again next time rather than trusting the cache
    last_modified_.clear();
    return Checked(false, "unusable upgrade information: " + offered.status().message());
  }
  Handle(*offered);
}

bool UpstreamPoller::SignatureAccepted(const Fetched& fetched) {
  if (!deps_.signatures.enabled()) return true;
  if (!fetched.signature.ok()) {
    Checked(false, fetched.signature.status().message());
    return false;
  }
  SignatureRules rules;
  rules.required = deps_.signatures.required;
  rules.file_name = UrlFileName(url_);
  rules.check_replay = true;
  Result<SignatureRecord> newest = deps_.records.LoadSignature();
  if (newest.ok()) rules.newest_accepted = newest->signed_at;
  SignatureDecision decision = DecideSignature(*fetched.signature, rules);
  if (!decision.accept) {
    ReportOnce("signature:" + fetched.body + decision.reason, LogPriority::kError,
               message_ids::kSignatureRefused, "refusing upstream " + url_ + ": " + decision.reason,
               {{"NYMVISOR_REASON", decision.reason}});
    Checked(false, decision.reason);
    return false;
  }
  if (decision.timestamp &&
      (!rules.newest_accepted || *decision.timestamp > *rules.newest_accepted)) {
    Status saved = deps_.records.SaveSignature({*decision.timestamp, fetched.signature->key_id});
    if (!saved.ok()) deps_.log.Error("cannot record the accepted signature: " + saved.message());
  }
  return true;
}

void UpstreamPoller::Handle(const UpgradeInfo& offered) {
  Result<UpgradePlan> plan = deps_.records.LoadPlan();
  Result<UpgradeHistory> history = deps_.records.LoadHistory();
  if (!plan.ok() || !history.ok()) {
    const Status& st = plan.ok() ? history.status() : plan.status();
    deps_.log.Error(st.message());
    return Checked(true, "cannot read the plan: " + st.message());
  }
  UpstreamDecision decision = DecideUpstream(offered, *plan, *history, deps_.platform);
  Logger::Fields fields = UpgradeEventFields(offered, plan->current.version);
  std::string key = offered.name + "@" + offered.version;
  if (decision.verdict != UpstreamVerdict::kQueue) {
    Checked(true, decision.verdict == UpstreamVerdict::kUpToDate        ? "up to date"
                  : decision.verdict == UpstreamVerdict::kAlreadyQueued ? "already queued"
                  : decision.verdict == UpstreamVerdict::kReschedule    ? decision.detail
                                                                        : decision.detail);
  }
  switch (decision.verdict) {
    case UpstreamVerdict::kUpToDate:
    case UpstreamVerdict::kAlreadyQueued:
      return;
    case UpstreamVerdict::kReschedule:
      return Reschedule(offered, decision.detail, fields);
    case UpstreamVerdict::kDowngrade:
      return ReportOnce(key, LogPriority::kWarning, message_ids::kDowngradeRefused,
                        "refusing downgrade: " + decision.detail, fields);
    case UpstreamVerdict::kNameConflict:
    case UpstreamVerdict::kInvalid:
    case UpstreamVerdict::kBlocked:
      fields.push_back({"NYMVISOR_REASON", decision.detail});
      return ReportOnce(
          key,
          decision.verdict == UpstreamVerdict::kBlocked ? LogPriority::kWarning
                                                        : LogPriority::kError,
          "", "not queuing upstream upgrade " + Printable(offered.name) + ": " + decision.detail,
          fields);
    case UpstreamVerdict::kQueue:
      break;
  }
  if (Status st = deps_.records.Queue(offered); !st.ok()) {
    deps_.log.Error("cannot queue upgrade " + offered.name + ": " + st.message());
    return Checked(true, "cannot queue " + offered.name + ": " + st.message());
  }
  Checked(true, "queued " + offered.name + " (" + offered.version + ")");
  deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradeQueued,
                  QueuedMessage(offered, plan->current.version, deps_.clock.Now()), fields);
  on_queued_(offered);
}

void UpstreamPoller::Reschedule(const UpgradeInfo& offered, const std::string& detail,
                                Logger::Fields fields) {
  if (Status st = deps_.records.Reschedule(offered); !st.ok()) {
    deps_.log.Warning("not moving upgrade " + offered.name + ": " + st.message());
    return;
  }
  deps_.log.Event(LogPriority::kNotice, message_ids::kUpgradeQueued, detail, std::move(fields));
  on_queued_(offered);
}

void UpstreamPoller::Checked(bool ok, std::string result) {
  last_check_ = CheckResult{deps_.clock.Now(), ok, std::move(result)};
}

void UpstreamPoller::ReportOnce(const std::string& key, LogPriority priority,
                                std::string_view message_id, const std::string& message,
                                Logger::Fields fields) {
  if (!reported_.insert(key).second) return;
  deps_.log.Event(priority, message_id, message, std::move(fields));
}

}  // namespace nymvisor
