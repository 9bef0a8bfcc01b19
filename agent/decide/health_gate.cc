#include "agent/decide/health_gate.h"

namespace nymvisor {
namespace {

HealthJudgement Unhealthy(std::string reason) {
  return {HealthVerdict::kUnhealthy, std::move(reason)};
}

std::string WithResult(const std::string& what, const UnitState& unit) {
  if (unit.result.empty() || unit.result == "success") return what;
  return what + " (result " + unit.result + ")";
}

}  // namespace

HealthJudgement JudgeHealth(const HealthPolicy& policy, uint32_t restarts_before,
                            const UnitState& unit, Duration elapsed) {
  if (!unit.IsLoaded()) {
    return Unhealthy("the unit is " + unit.load_state);
  }
  uint32_t restarts = unit.n_restarts >= restarts_before ? unit.n_restarts - restarts_before : 0;
  if (restarts > policy.max_restarts) {
    std::string times = restarts == 1 ? "once" : std::to_string(restarts) + " times";
    return Unhealthy("the unit restarted " + times + " (limit " +
                     std::to_string(policy.max_restarts) + ")");
  }
  if (unit.sub_state == "auto-restart" || unit.sub_state == "auto-restart-queued") {
    // Restart=on-failure brings it back, but it crashed: no need to wait for
    // RestartSec= to pass and NRestarts to count it.
    return Unhealthy(WithResult("the node failed and systemd is restarting it", unit));
  }
  if (unit.active_state == ActiveState::kFailed)
    return Unhealthy(WithResult("the unit failed", unit));
  if (unit.active_state == ActiveState::kInactive && !unit.job_pending) {
    return Unhealthy(WithResult("the node stopped by itself", unit));
  }
  if (elapsed < policy.period) return {};
  if (unit.active_state != ActiveState::kActive) {
    return Unhealthy("the unit is " + unit.Describe() + " at the end of the health check");
  }
  return {HealthVerdict::kHealthy, ""};
}

}  // namespace nymvisor
