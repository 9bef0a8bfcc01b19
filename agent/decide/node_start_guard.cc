#include "agent/decide/node_start_guard.h"

namespace nymvisor {
namespace {

/// While the binary is switched (or being switched) ahead of the agent's own
/// start, a start by anyone else would run the new version unwatched, and its
/// migration would reach the data that a resumed upgrade backs up again; after
/// an operator's rollback the data may be half restored.
bool StartsUnverifiedBinary(const UpgradeState& state) {
  switch (Spec(state.step).node_start) {
    case NodeStartRule::kRefusedUnverified:
      return true;  // `current` may have moved before the record did
    case NodeStartRule::kRefusedOnceSwitched:
      return state.switched;  // resumed after the switch
    case NodeStartRule::kAllowed:
    case NodeStartRule::kRefusedRestoring:
      return false;
  }
  return false;
}

}  // namespace

Status DecideNodeStart(const std::string& id, const std::optional<UpgradeState>& state,
                       const std::optional<NodeDownRecord>& node_down) {
  if (node_down) {
    return Status::Refused(kNodeStartRefusedReason,
                           "the node must stay down: " + DescribeNodeDown(*node_down));
  }
  if (!state) return {};
  std::string upgrade = "upgrade " + state->target.name + " (" + state->from_version + " -> " +
                        state->target.version + ")";
  std::string step = std::string(StepName(state->step));
  if (state->node_down) {
    return Status::Refused(kNodeStartRefusedReason,
                           "the node must stay down: the rollback of " + upgrade +
                               " could not restore its data (step " + step +
                               "); the agent records this as node-left-down; see 'nymvisor "
                               "status', check the data, then run 'nymvisor release-node'");
  }
  if (StartsUnverifiedBinary(*state)) {
    return Status::Refused(kNodeStartRefusedReason,
                           "the node is not started while " + upgrade + " is in step " + step +
                               ": `current` may point at a version the agent has not started "
                               "and checked yet; the agent starts the node itself. Follow it "
                               "with 'nymvisor status'; if no agent runs, start it with "
                               "'systemctl start nymvisor@" +
                               id + "'");
  }
  if (Spec(state->step).node_start != NodeStartRule::kRefusedRestoring) return {};
  return Status::Refused(kNodeStartRefusedReason,
                         "the node is not started while its data is being restored: " + upgrade +
                             " is in step " + step +
                             "; the agent starts the node itself when the restore is done. "
                             "Follow it with 'nymvisor status'; if no agent runs, start it "
                             "with 'systemctl start nymvisor@" +
                             id + "' to finish the restore");
}

}  // namespace nymvisor
