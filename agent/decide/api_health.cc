#include "agent/decide/api_health.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_util.h"

namespace nymvisor {
namespace {

HealthJudgement Unhealthy(std::string reason) {
  return {HealthVerdict::kUnhealthy, std::move(reason)};
}

/// "1.2.3" and "v1.2.3" name one version (tags carry the v, binaries not).
std::string_view WithoutV(std::string_view version) {
  if (!version.empty() && (version.front() == 'v' || version.front() == 'V')) {
    version.remove_prefix(1);
  }
  return version;
}

}  // namespace

void NoteHealthProbe(ApiHealth& health, long status, const std::string& detail) {
  if (status >= 200 && status < 300) {
    health.answered = true;
    health.failures_in_row = 0;
    return;
  }
  if (health.answered) health.failures_in_row += 1;
  health.last_failure = detail;
}

void NoteBuildInfoProbe(ApiHealth& health, const ApiHealthPolicy& policy, std::string_view body,
                        const std::string& error) {
  if (!error.empty()) return;  // no answer yet: judged at the end
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("build_version") || !j["build_version"].is_string()) return;
  std::string version = j["build_version"].get<std::string>();
  if (WithoutV(version) == WithoutV(policy.expected_version)) {
    health.build_ok = true;
  } else {
    health.build_other = version;
  }
}

HealthJudgement JudgeApiHealth(const ApiHealthPolicy& policy, const ApiHealth& health,
                               bool at_end) {
  if (!policy.build_info_url.empty() && !health.build_other.empty()) {
    return Unhealthy(policy.build_info_url + " reports build_version " + health.build_other +
                     ", not " + policy.expected_version + ": the old binary still answers");
  }
  if (!policy.health_url.empty() && health.failures_in_row >= policy.max_failures_in_row) {
    return Unhealthy(policy.health_url + " failed " + std::to_string(health.failures_in_row) +
                     " times in a row after answering (last: " + health.last_failure + ")");
  }
  if (!at_end) return {};
  if (!policy.health_url.empty() && !health.answered) {
    std::string last = health.last_failure.empty() ? "" : " (last: " + health.last_failure + ")";
    return Unhealthy(policy.health_url + " never answered 2xx during the health check" + last);
  }
  if (!policy.build_info_url.empty() && !health.build_ok) {
    return Unhealthy(policy.build_info_url + " never reported build_version " +
                     policy.expected_version + " during the health check");
  }
  return {HealthVerdict::kHealthy, ""};
}

}  // namespace nymvisor
