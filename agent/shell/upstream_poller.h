#ifndef NYMVISOR_AGENT_SHELL_UPSTREAM_POLLER_H_
#define NYMVISOR_AGENT_SHELL_UPSTREAM_POLLER_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "agent/decide/upstream_health.h"
#include "agent/ports/clock.h"
#include "agent/ports/http_client.h"
#include "agent/ports/scheduler.h"
#include "agent/shell/github_source.h"
#include "agent/shell/logger.h"
#include "agent/shell/upgrade_records.h"
#include "agent/shell/upstream_signatures.h"
#include "agent/shell/worker_lane.h"

namespace nymvisor {

struct PollerDeps {
  HttpClient& http;
  UpgradeRecords& records;
  Clock& clock;
  Scheduler& scheduler;
  FetchLane worker;  ///< the fetch lane, never the backup lane
  Logger& log;
  /// A random delay in [0, max), so a fleet does not poll in lockstep.
  std::function<Duration(Duration max)> jitter;
  /// upgrade-info.json's signature, when trusted keys are configured.
  SignatureSettings signatures = {};
  /// The host's upgrade-info platform key: a binary that was rolled back is
  /// recognised by its checksum for it, whatever upstream names it.
  std::string platform = {};
};

/// Asks upstream for upgrade-info.json once at start and then every polling
/// period (plus jitter), with conditional GETs. A newer version is queued in
/// the plan; older ones, conflicts and earlier failures are refused and logged
/// once each. With trusted keys, upgrade-info.json.minisig is fetched with it
/// and decides first (decide/signature_policy.h); a refused file is never
/// read. The fetches run on the worker; everything else on the main thread.
class UpstreamPoller {
 public:
  /// `on_checked` runs after every check, once the next one is scheduled.
  UpstreamPoller(PollerDeps deps, std::string url, Duration period,
                 std::function<void(const UpgradeInfo&)> on_queued,
                 std::function<void()> on_checked = {});

  /// Follows a GitHub release train instead of the URL (before Start).
  void FollowGithub(GithubSource source);
  /// Checks now, then keeps checking.
  void Start();
  /// Checks now instead of at the next period (an operator asked).
  void CheckNow();
  /// The next check fetches in full (no If-None-Match): what it offers is
  /// decided again, e.g. after an operator cleared a refusal.
  void ForgetValidators() {
    etag_.clear();
    last_modified_.clear();
  }
  /// When the next check is due (wall clock), for the status line.
  std::optional<Timestamp> next_check() const { return next_check_; }
  /// A request to upstream is under way.
  bool checking() const { return checking_; }

  /// How the last check went.
  struct CheckResult {
    Timestamp at;
    bool ok = true;      ///< upstream answered with usable information
    std::string result;  ///< "not modified", "queued v2 (1.2.0)", the error, ...
  };
  const std::optional<CheckResult>& last_check() const { return last_check_; }
  /// Whether upstream answers: a failing streak with its URL and a hint.
  const UpstreamHealth& health() const { return health_; }
  /// github only: the version of the newest release of the train the last
  /// full look at the list offered (kept while the list is unchanged), or
  /// empty before it. It may be newer than what the policy lets through.
  const std::string& newest_release() const { return newest_release_; }
  /// Stops scheduling checks (the agent is stopping).
  void Stop();

 private:
  struct Fetched {
    Result<HttpResponse> response = Status::Error("not fetched");
    std::string body;
    Result<SignatureEvidence> signature = SignatureEvidence{};  ///< with signatures enabled
  };
  void Check();
  void CheckGithub();
  /// Acts on what the releases showed; returns when to look again, if not
  /// after the usual period (a rate limit).
  std::optional<Timestamp> OnGithubChecked(const Result<GithubCheck>& result);
  /// Notes a failed fetch: journalled when the failure starts or changes
  /// (decide/upstream_health.h), never once per poll.
  void Unreachable(const Status& error);
  /// Notes that upstream answered: journalled once after a failing streak.
  void Answered();
  /// "github" or "upgrade-info": what the hints and health records name.
  std::string_view SourceName() const { return github_ ? "github" : "upgrade-info"; }
  void ScheduleNext(std::optional<Timestamp> at = std::nullopt);
  void OnFetched(const Fetched& fetched);
  /// Whether the fetched file may be read: its signature as the config asks.
  bool SignatureAccepted(const Fetched& fetched);
  void Handle(const UpgradeInfo& offered);
  void Checked(bool ok, std::string result);
  /// Upstream moved an upgrade it queued before: the plan follows.
  void Reschedule(const UpgradeInfo& offered, const std::string& detail, Logger::Fields fields);
  void ReportOnce(const std::string& key, LogPriority priority, std::string_view message_id,
                  const std::string& message, Logger::Fields fields);

  PollerDeps deps_;
  std::string url_;
  std::optional<GithubSource> github_;
  Duration period_;
  std::function<void(const UpgradeInfo&)> on_queued_;
  std::function<void()> on_checked_;
  std::string etag_;
  std::string last_modified_;
  std::set<std::string> reported_;  ///< refusals already logged
  UpstreamHealth health_;
  bool stopped_ = false;
  bool checking_ = false;
  std::optional<CheckResult> last_check_;
  Scheduler::TimerId timer_ = 0;
  std::optional<Timestamp> next_check_;
  std::string newest_release_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_UPSTREAM_POLLER_H_
