#ifndef NYMVISOR_AGENT_DECIDE_HEALTH_GATE_H_
#define NYMVISOR_AGENT_DECIDE_HEALTH_GATE_H_

#include <cstdint>
#include <string>

#include "agent/base/duration.h"
#include "agent/decide/unit_state.h"

namespace nymvisor {

/// What "healthy" means after an upgrade.
struct HealthPolicy {
  Duration period;        ///< how long the unit must stay up
  uint32_t max_restarts;  ///< automatic restarts tolerated within the period (the agent: 0)
};

enum class HealthVerdict { kPending, kHealthy, kUnhealthy };

struct HealthJudgement {
  HealthVerdict verdict = HealthVerdict::kPending;
  std::string reason;  ///< why it is unhealthy, for the journal and history
};

/// Judges the node's unit `elapsed` into the health period. Unhealthy as soon
/// as the unit enters `failed`, stops by itself, waits for systemd's
/// automatic restart (sub-state auto-restart: it crashed, even when
/// Restart=on-failure will bring it back), or restarts more than
/// max_restarts times; healthy only when the period is over and it is active
/// (a Type=notify unit becomes active only after READY=1). Pure.
HealthJudgement JudgeHealth(const HealthPolicy& policy, uint32_t restarts_before,
                            const UnitState& unit, Duration elapsed);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_HEALTH_GATE_H_
