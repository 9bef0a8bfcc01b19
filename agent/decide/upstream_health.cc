#include "agent/decide/upstream_health.h"

#include "agent/base/url_redaction.h"

namespace nymvisor {

UpstreamFailure ClassifyUpstreamError(const Status& error) {
  if (error.IsNotFound()) return UpstreamFailure::kAbsent;
  if (error.IsUnavailable()) return UpstreamFailure::kUnreachable;
  return UpstreamFailure::kRejected;
}

std::string UpstreamHint(std::string_view source, UpstreamFailure failure) {
  bool github = source == "github";
  switch (failure) {
    case UpstreamFailure::kAbsent:
      return github ? "no such repository: check github_repository (owner/name) and "
                      "github_api_url"
                    : "Nym no longer publishes this file; set upstream_source = github";
    case UpstreamFailure::kUnreachable:
      return std::string(
                 "check the host name in the URL and that this host can reach it "
                 "(DNS, firewall, proxy); the agent keeps polling") +
             (github ? "" : ", or set upstream_source = github");
    case UpstreamFailure::kRejected:
      return github ? "check github_api_url and the GitHub token"
                    : "check the URL and its credentials, or set upstream_source = github";
  }
  return "";
}

UpstreamHealthEvent NoteUpstreamPoll(UpstreamHealth* health, std::string_view source,
                                     std::string_view url, const Status& result, Timestamp now) {
  std::string shown_url = RedactUrl(url);
  if (result.ok()) {
    if (!health->failing) return {};
    UpstreamHealthEvent event{UpstreamHealthEvent::Kind::kRecovered,
                              "upstream " + shown_url + " answers again after " +
                                  std::to_string(health->failed_polls) + " failed poll" +
                                  (health->failed_polls == 1 ? "" : "s")};
    *health = UpstreamHealth{};
    return event;
  }
  UpstreamFailure failure = ClassifyUpstreamError(result);
  bool same = health->failing && health->failure == failure && health->url == shown_url;
  health->error = RedactUrlsIn(result.message());
  if (same) {
    ++health->failed_polls;
    return {};
  }
  health->failing = true;
  health->failure = failure;
  health->url = shown_url;
  health->hint = UpstreamHint(source, failure);
  health->since = now;
  health->failed_polls = 1;
  return {UpstreamHealthEvent::Kind::kFailing,
          "upstream " + shown_url + " fails: " + health->error + "; " + health->hint};
}

}  // namespace nymvisor
