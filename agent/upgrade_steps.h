#ifndef NYMVISOR_AGENT_UPGRADE_STEPS_H_
#define NYMVISOR_AGENT_UPGRADE_STEPS_H_

#include <optional>

#include "agent/upgrade_state.h"

namespace nymvisor {

/// The upgrade state machine: the step that follows `state.step` when it
/// succeeded or failed; nullopt when the upgrade is over. Forward:
///   stopping → backing-up → swapping → starting → health-check → committing
/// (backing-up is skipped with skip_backup; a manual upgrade goes from swapping
/// straight to committing and leaves the node stopped). Before the switch a
/// failure aborts (start the old version again); after it, a failure rolls back:
///   rollback-stopping → restoring → rollback-starting → rollback-verifying
/// and every unsuccessful path ends in recording-failure. Pure.
std::optional<UpgradeStep> NextStep(const UpgradeState& state, bool succeeded);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_UPGRADE_STEPS_H_
