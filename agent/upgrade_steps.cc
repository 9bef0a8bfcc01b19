#include "agent/upgrade_steps.h"

namespace nymvisor {
namespace {

std::optional<UpgradeStep> NextForward(const UpgradeState& s) {
  switch (s.step) {
    case UpgradeStep::kStopping:
      return s.skip_backup ? UpgradeStep::kSwapping : UpgradeStep::kBackingUp;
    case UpgradeStep::kBackingUp:
      return UpgradeStep::kSwapping;
    case UpgradeStep::kSwapping:
      return s.leave_stopped ? UpgradeStep::kCommitting : UpgradeStep::kStarting;
    case UpgradeStep::kStarting:
      return UpgradeStep::kHealthCheck;
    case UpgradeStep::kHealthCheck:
      return UpgradeStep::kCommitting;
    case UpgradeStep::kRollbackStopping:
      return UpgradeStep::kRestoring;
    case UpgradeStep::kRestoring:
      return UpgradeStep::kRollbackStarting;
    case UpgradeStep::kRollbackStarting:
      return UpgradeStep::kRollbackVerifying;
    case UpgradeStep::kAborting:
    case UpgradeStep::kRollbackVerifying:
      return UpgradeStep::kRecordingFailure;
    case UpgradeStep::kCommitting:
    case UpgradeStep::kRecordingFailure:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<UpgradeStep> NextOnFailure(const UpgradeState& s) {
  switch (s.step) {
    case UpgradeStep::kStopping:
    case UpgradeStep::kBackingUp:
    case UpgradeStep::kSwapping:
      // Once switched (a resumed upgrade), the new version may have run and
      // changed the data: undo with a restore, not a plain abort.
      return s.switched ? UpgradeStep::kRollbackStopping : UpgradeStep::kAborting;
    case UpgradeStep::kStarting:
    case UpgradeStep::kHealthCheck:
      return UpgradeStep::kRollbackStopping;
    case UpgradeStep::kRollbackStopping:
      return UpgradeStep::kRollbackStopping;  // never restore under a running node
    case UpgradeStep::kRestoring:
      // A half-restored tree must not be started: retry, unless nothing can be
      // restored (no usable backup), and then the old version starts as it is.
      return s.backup_unusable ? UpgradeStep::kRecordingFailure : UpgradeStep::kRestoring;
    case UpgradeStep::kCommitting:
      return UpgradeStep::kCommitting;  // the node is healthy: retry the write
    case UpgradeStep::kAborting:
    case UpgradeStep::kRollbackStarting:
    case UpgradeStep::kRollbackVerifying:
      return UpgradeStep::kRecordingFailure;
    case UpgradeStep::kRecordingFailure:
      return UpgradeStep::kRecordingFailure;  // retry the write
  }
  return std::nullopt;
}

}  // namespace

std::optional<UpgradeStep> NextStep(const UpgradeState& state, bool succeeded) {
  return succeeded ? NextForward(state) : NextOnFailure(state);
}

}  // namespace nymvisor
