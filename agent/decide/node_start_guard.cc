#include "agent/decide/node_start_guard.h"

namespace nymvisor {

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
  if (!Spec(state->step).keeps_node_down) return {};
  return Status::Refused(kNodeStartRefusedReason,
                         "the node is not started while its data is being restored: " + upgrade +
                             " is in step " + step +
                             "; the agent starts the node itself when the restore is done. "
                             "Follow it with 'nymvisor status'; if no agent runs, start it "
                             "with 'systemctl start nymvisor@" +
                             id + "' to finish the restore");
}

}  // namespace nymvisor
