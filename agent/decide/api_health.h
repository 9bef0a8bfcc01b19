#ifndef NYMVISOR_AGENT_DECIDE_API_HEALTH_H_
#define NYMVISOR_AGENT_DECIDE_API_HEALTH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/decide/health_gate.h"

namespace nymvisor {

/// What the node's own API must show during the health check
/// (daemon.health_check_url, daemon.build_info_url). A URL left empty is
/// not asked.
struct ApiHealthPolicy {
  std::string health_url;
  std::string build_info_url;
  std::string expected_version;  ///< the version the upgrade installs
  uint32_t max_failures_in_row = 3;
  bool asks() const { return !health_url.empty() || !build_info_url.empty(); }
};

/// What the probes of one health check have seen. Plain value, kept in
/// memory by the runner and started over with each health period.
struct ApiHealth {
  bool answered = false;         ///< the health URL answered 2xx at least once
  uint32_t failures_in_row = 0;  ///< health probes failed since the last 2xx
  bool build_ok = false;         ///< the build-info URL reported the expected version
  std::string build_other;       ///< a version it reported instead (set: unhealthy)
  std::string last_failure;      ///< the last failed probe, for the reason
};

/// Notes one probe of the health URL: `status` is the HTTP status, 0 when
/// nothing answered (refused, timed out); `detail` says what went wrong.
void NoteHealthProbe(ApiHealth& health, long status, const std::string& detail);

/// Notes one probe of the build-info URL: `body` is the answer of a 2xx
/// (empty `error`), or `error` says why there was none. An answer whose
/// `build_version` is another version is remembered; unparsable JSON is a
/// failure like no answer.
void NoteBuildInfoProbe(ApiHealth& health, const ApiHealthPolicy& policy, std::string_view body,
                        const std::string& error);

/// Judges the API so far. Unhealthy at once when the health URL fails
/// max_failures_in_row times in a row after it answered, or the build-info
/// URL reports another version (naming both); at the end of the period
/// (`at_end`), unhealthy unless the health URL answered and the build-info
/// URL reported the new version. Otherwise pending, or healthy at the end.
/// Pure.
HealthJudgement JudgeApiHealth(const ApiHealthPolicy& policy, const ApiHealth& health, bool at_end);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_API_HEALTH_H_
