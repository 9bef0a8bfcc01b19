#include "agent/decide/upgrade_steps.h"

#include "agent/decide/upgrade_state.h"

namespace nymvisor {
namespace {

using S = UpgradeStep;
using E = StepEffect;
using C = StepCondition;
using R = ResumeRule;

constexpr uint32_t kForwardAttempts = 3;
constexpr std::optional<UpgradeStep> kEnd = std::nullopt;
constexpr bool kKeepsNodeDown = true;  // StepSpec::keeps_node_down

constexpr StepEdge To(std::optional<UpgradeStep> to) { return {to, {}}; }
constexpr StepEdge Branch(UpgradeStep to, StepCondition when, UpgradeStep to_if) {
  return {to, {{when, to_if}, {}}};
}
constexpr StepEdge Branch(UpgradeStep to, StepCondition when, UpgradeStep to_if,
                          StepCondition when2, UpgradeStep to_if2) {
  return {to, {{when, to_if}, {when2, to_if2}}};
}

// clang-format off
constexpr StepSpec kTable[] = {
  // step, name, status text, effect,
  //   node_down, undoes, rollback, done_if_unit_down, resume, max_attempts,
  //   on success, on failure[, keeps_node_down]
  // Nothing has happened to the node yet: a failure (a full disk) aborts
  // without downtime.
  {S::kPreCopying, "pre-copying", "copying the data ahead of the stop", E::kPreCopy,
   false, false, false, false, R::kRepeat, kForwardAttempts,
   To(S::kStopping), To(S::kAborting)},
  {S::kStopping, "stopping", "stopping the node", E::kStopNode,
   false, false, false, false, R::kFromStop, kForwardAttempts,
   Branch(S::kBackingUp, C::kSkipBackup, S::kSwapping),
   // Once switched (a resumed upgrade), the new version may have run and
   // changed the data: undo with a restore, not a plain abort.
   Branch(S::kAborting, C::kSwitched, S::kRollbackStopping)},
  {S::kBackingUp, "backing-up", "backing up", E::kBackUp,
   true, false, false, false, R::kFromStop, kForwardAttempts,
   To(S::kSwapping), Branch(S::kAborting, C::kSwitched, S::kRollbackStopping)},
  {S::kSwapping, "swapping", "switching the binary", E::kSwitchToTarget,
   true, false, false, false, R::kFromStop, kForwardAttempts,
   Branch(S::kStarting, C::kReverting, S::kRestoringPrevious, C::kLeaveStopped, S::kCommitting),
   Branch(S::kAborting, C::kSwitched, S::kRollbackStopping)},
  // An operator's rollback: the data of the version it returns to comes back
  // from the backup taken before the upgrade being undone.
  {S::kRestoringPrevious, "restoring-previous", "restoring the data of the previous version",
   E::kRestorePrevious, true, false, false, false, R::kFromStop, kForwardAttempts,
   Branch(S::kStarting, C::kLeaveStopped, S::kCommitting), To(S::kRollbackStopping),
   kKeepsNodeDown},
  {S::kStarting, "starting", "starting the new version", E::kStartNode,
   true, false, false, false, R::kFromStop, kForwardAttempts,
   To(S::kHealthCheck), To(S::kRollbackStopping)},
  {S::kHealthCheck, "health-check", "health-check", E::kJudgeHealth,
   false, false, false, false, R::kRepeat, kForwardAttempts,
   To(S::kCommitting), To(S::kRollbackStopping)},
  // The node is healthy (or, manual, switched): a failed write is retried.
  {S::kCommitting, "committing", "recording the upgrade", E::kCommit,
   false, false, false, false, R::kRepeat, 0,
   To(kEnd), To(S::kCommitting)},
  // A switch back that failed (a full disk) leaves `current` at the new
  // version, which must never run unchecked: the abort is retried. A start
  // of the old version that failed ends it with the node down.
  {S::kAborting, "aborting", "aborting, starting the old version", E::kAbort,
   true, true, false, false, R::kRepeat, 0,
   To(S::kRecordingFailure), Branch(S::kRecordingFailure, C::kSwitched, S::kAborting)},
  // Never restore under a running node: the stop is retried until it is down.
  {S::kRollbackStopping, "rollback-stopping", "rolling back: stopping the new version",
   E::kStopNode, false, true, true, true, R::kRepeat, 0,
   To(S::kRestoring), To(S::kRollbackStopping), kKeepsNodeDown},
  // A half-restored tree must not be started: retry, unless no usable backup
  // is left; then the node stays down and the failure is recorded (critical).
  // A backup refused before anything was restored leaves the data as the new
  // version left it: the old version starts on it, through the same check.
  // A new agent stops the node before it restores again: at boot the unit
  // may have started the old version on the half-restored tree.
  {S::kRestoring, "restoring", "rolling back: restoring the data", E::kRestore,
   true, true, true, false, R::kFromRollbackStop, 0,
   To(S::kRollbackStarting), Branch(S::kRestoring, C::kRestoreRefused, S::kRollbackStarting,
                                    C::kBackupUnusable, S::kRecordingFailure),
   kKeepsNodeDown},
  {S::kRollbackStarting, "rollback-starting", "rolling back: starting the old version",
   E::kStartNode, true, true, true, false, R::kRepeat, 0,
   To(S::kRollbackVerifying), To(S::kRecordingFailure)},
  {S::kRollbackVerifying, "rollback-verifying", "rolling back: starting the old version",
   E::kVerifyOldVersion, false, true, true, false, R::kRepeat, 0,
   To(S::kRecordingFailure), To(S::kRecordingFailure)},
  {S::kRecordingFailure, "recording-failure", "recording-failure", E::kRecordFailure,
   false, false, false, false, R::kRepeat, 0,
   To(kEnd), To(S::kRecordingFailure)},
};
// clang-format on

bool Holds(StepCondition condition, const UpgradeState& s) {
  switch (condition) {
    case C::kNone:
      return false;
    case C::kSkipBackup:
      return s.skip_backup;
    case C::kLeaveStopped:
      return s.leave_stopped;
    case C::kSwitched:
      return s.switched;
    case C::kBackupUnusable:
      return s.backup_unusable;
    case C::kRestoreRefused:
      return s.restore_refused;
    case C::kReverting:
      return s.revert;
  }
  return false;
}

std::optional<UpgradeStep> Follow(const StepEdge& edge, const UpgradeState& s) {
  for (const StepBranch& branch : edge.branches) {
    if (Holds(branch.when, s)) return branch.to;
  }
  return edge.to;
}

}  // namespace

std::span<const StepSpec> StepTable() { return kTable; }

const StepSpec& Spec(UpgradeStep step) { return kTable[static_cast<size_t>(step)]; }

std::string_view StepName(UpgradeStep step) { return Spec(step).name; }

Result<UpgradeStep> ParseStepName(std::string_view name) {
  for (const StepSpec& spec : kTable) {
    if (spec.name == name) return spec.step;
  }
  return Status::Error("unknown upgrade step '" + std::string(name) + "'");
}

bool IsRollbackStep(UpgradeStep step) { return Spec(step).rollback; }

StepOutcome DecideNext(const UpgradeState& state, bool succeeded) {
  const StepSpec& spec = Spec(state.step);
  StepOutcome outcome;
  outcome.next = Follow(succeeded ? spec.on_success : spec.on_failure, state);
  outcome.retry = outcome.next == state.step;
  // An undo that fails for good leaves the node down, unless another undo
  // step (which starts the old version) follows.
  outcome.node_left_down =
      !succeeded && spec.undoes && !outcome.retry && (!outcome.next || !Spec(*outcome.next).undoes);
  return outcome;
}

ResumePlan DecideResume(const UpgradeState& state) {
  const StepSpec& spec = Spec(state.step);
  if (spec.max_attempts != 0 && state.attempts > spec.max_attempts) {
    return {
        *Follow(spec.on_failure, state),
        "the agent stopped " + std::to_string(state.attempts - 1) + " times during this upgrade"};
  }
  switch (spec.resume) {
    case R::kFromStop:
      return {S::kStopping, ""};
    case R::kFromRollbackStop:
      return {S::kRollbackStopping, ""};
    case R::kRepeat:
      break;
  }
  return {state.step, ""};
}

Result<CrashPoint> ParseCrashPoint(std::string_view text) {
  size_t colon = text.find(':');
  std::string_view when = text.substr(0, colon);
  if (colon == std::string_view::npos || (when != "enter" && when != "done")) {
    return Status::Error("'" + std::string(text) + "' is not enter:<step> or done:<step>");
  }
  NV_ASSIGN_OR_RETURN(UpgradeStep step, ParseStepName(text.substr(colon + 1)));
  return CrashPoint{step, when == "done"};
}

Result<StepDelays> ParseStepDelays(std::string_view text) {
  StepDelays delays;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, end - start);
    size_t eq = item.find('=');
    Result<UpgradeStep> step = ParseStepName(item.substr(0, eq));
    if (eq == std::string_view::npos || !step.ok()) {
      return Status::Error("'" + std::string(item) + "' is not <step>=<duration>");
    }
    NV_ASSIGN_OR_RETURN(delays[*step], ParseDuration(item.substr(eq + 1)));
    start = end + 1;
  }
  return delays;
}

}  // namespace nymvisor
