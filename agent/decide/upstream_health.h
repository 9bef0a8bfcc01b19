#ifndef NYMVISOR_AGENT_DECIDE_UPSTREAM_HEALTH_H_
#define NYMVISOR_AGENT_DECIDE_UPSTREAM_HEALTH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// How polls of the upstream fail.
enum class UpstreamFailure {
  kAbsent,       ///< 404 or 410: nothing is published there
  kUnreachable,  ///< DNS, the connection, a timeout, a 5xx: no answer
  kRejected,     ///< any other refusal (401, 403...)
};

/// Whether the upstream answers, across polls. Plain value; the URL and
/// the error are shown to operators, so they carry no credentials.
struct UpstreamHealth {
  bool failing = false;
  UpstreamFailure failure = UpstreamFailure::kUnreachable;
  std::string url;                 ///< the URL that fails
  std::string error;               ///< the last poll's error
  std::string hint;                ///< what the operator can do
  std::optional<Timestamp> since;  ///< the first failed poll of the streak
  uint32_t failed_polls = 0;       ///< in a row
  bool operator==(const UpstreamHealth&) const = default;
};

/// What a poll changed, for the journal.
struct UpstreamHealthEvent {
  enum class Kind { kNone, kFailing, kRecovered };
  Kind kind = Kind::kNone;
  std::string message;  ///< names the URL and, when failing, what to do
};

/// How a fetch's Status reads: NotFound is kAbsent, Unavailable
/// kUnreachable, any other error kRejected.
UpstreamFailure ClassifyUpstreamError(const Status& error);

/// What to do about `failure` of a source ("upgrade-info" or "github").
std::string UpstreamHint(std::string_view source, UpstreamFailure failure);

/// Updates `health` with one poll of `url` (`result` ok: upstream
/// answered, whatever it said) and says what to journal: once when polls
/// start failing or fail differently (another kind or URL), once when they
/// answer again, nothing while the state stays, so a failing source is not
/// journalled once per poll. `url` and the error are redacted here. Pure.
UpstreamHealthEvent NoteUpstreamPoll(UpstreamHealth* health, std::string_view source,
                                     std::string_view url, const Status& result, Timestamp now);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPSTREAM_HEALTH_H_
