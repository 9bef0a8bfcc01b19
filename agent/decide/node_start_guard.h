#ifndef NYMVISOR_AGENT_DECIDE_NODE_START_GUARD_H_
#define NYMVISOR_AGENT_DECIDE_NODE_START_GUARD_H_

#include <optional>
#include <string>

#include "agent/base/status.h"
#include "agent/decide/upgrade_state.h"
#include "agent/records/node_down.h"

namespace nymvisor {

/// The reason of the Status that refuses a start (Status::Refused).
inline constexpr char kNodeStartRefusedReason[] = "NodeHeldDown";
/// The exit status of a refused `nymvisor exec` (EX_TEMPFAIL: try again once
/// the records allow it). Distinct from a failure (1), so the node unit's
/// RestartPreventExitStatus= keeps Restart=on-failure from looping on it.
inline constexpr int kNodeStartRefusedExit = 75;

/// Whether the node unit may start now. `nymvisor exec` (the unit's
/// ExecStart) asks it before it runs the node, so that neither a boot (the
/// unit is WantedBy=multi-user.target), Restart=, an operator's `systemctl
/// start` nor a resumed agent starts the node on data that is being restored.
/// The agent's own StartUnit runs the same ExecStart, so every step in which
/// the agent starts the node must stay allowed. Per step of StepTable():
///   - pre-copying, stopping, backing-up: allowed before the switch. The data
///     is the pre-upgrade data (a copy is read from it); these steps resume
///     from stopping, so a node started meanwhile is stopped again and the
///     backup is checked against the data (and taken again) after that.
///   - swapping, and stopping or backing-up once switched (a resumed
///     upgrade): refused. `current` may point at the new version, which must
///     not run (and migrate the data) before the agent starts and checks it;
///     after an operator's rollback the data may be half restored.
///   - restoring-previous: refused. An operator's rollback is restoring the
///     older version's data into the home.
///   - starting, health-check, committing: allowed. The agent starts the new
///     version itself (starting) or it already runs on its own data.
///   - aborting: allowed. The agent starts the old version on the untouched
///     pre-upgrade data.
///   - rollback-stopping: refused. The restore that follows must not run under
///     a live node, and the data the node would find is the failed version's.
///   - restoring: refused. The tree is half-restored.
///   - rollback-starting, rollback-verifying: allowed. The restore is complete
///     and the agent starts the old version itself.
///   - recording-failure: allowed, unless the rollback left the node down.
/// Each row of the table says which of these it is (StepSpec::node_start,
/// a NodeStartRule), so a new step decides it in its row. Beyond the steps, a
/// state whose rollback left the node down (UpgradeState::node_down) and a
/// node-left-down record refuse any start. OK, or Refused with a message
/// naming the upgrade, the step and what the operator of instance `id`
/// should do. Pure.
Status DecideNodeStart(const std::string& id, const std::optional<UpgradeState>& state,
                       const std::optional<NodeDownRecord>& node_down);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_NODE_START_GUARD_H_
