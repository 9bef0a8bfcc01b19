#include "agent/decide/upgrade_steps.h"

#include <iterator>

#include "agent/decide/upgrade_state.h"

namespace nymvisor {
namespace {

using S = UpgradeStep;
using E = StepEffect;
using C = StepCondition;
using R = ResumeRule;
using P = StepPhase;
using N = NodeStartRule;

constexpr uint32_t kForwardAttempts = 3;
constexpr std::optional<UpgradeStep> kEnd = std::nullopt;

constexpr StepEdge To(std::optional<UpgradeStep> to) { return {to, {}}; }
constexpr StepEdge Branch(UpgradeStep to, StepCondition when, UpgradeStep to_if) {
  return {to, {{when, to_if}, {}}};
}
/// Ends the upgrade, or goes on to `to_if` for a fleet's upgrade.
constexpr StepEdge IfFleet(UpgradeStep to_if) { return {kEnd, {{C::kFleet, to_if}, {}}}; }
constexpr StepEdge Branch(UpgradeStep to, StepCondition when, UpgradeStep to_if,
                          StepCondition when2, UpgradeStep to_if2) {
  return {to, {{when, to_if}, {when2, to_if2}}};
}

// A row that leaves out a field without a default does not compile.
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wmissing-field-initializers"
constexpr StepSpec kTable[] = {
    // A fleet's upgrade waits here for its slot (docs/fleet.md) after the
    // windows, release age and spread let it start. Nothing of the node has
    // been touched: hold, skip and a reload may abandon it.
    {.step = S::kTakingSlot,
     .name = "taking-slot",
     .status = "waiting for a fleet slot",
     .phase = P::kUpgrading,
     .effect = E::kTakeSlot,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = Branch(S::kPreCopying, C::kSkipBackup, S::kStopping),
     .on_failure = To(S::kTakingSlot),
     .node_start = N::kAllowed},
    // Nothing has happened to the node yet: a failure (a full disk) aborts
    // without downtime.
    {.step = S::kPreCopying,
     .name = "pre-copying",
     .status = "copying the data ahead of the stop",
     .phase = P::kUpgrading,
     .effect = E::kPreCopy,
     .resume = R::kRepeat,
     .max_attempts = kForwardAttempts,
     .on_success = To(S::kStopping),
     .on_failure = To(S::kAborting),
     .node_start = N::kAllowed},
    {.step = S::kStopping,
     .name = "stopping",
     .status = "stopping the node",
     .phase = P::kUpgrading,
     .effect = E::kStopNode,
     .resume = R::kFromStop,
     .max_attempts = kForwardAttempts,
     .on_success = Branch(S::kBackingUp, C::kSkipBackup, S::kSwapping),
     // Once switched (a resumed upgrade), the new version may have run and
     // changed the data: undo with a restore, not a plain abort.
     .on_failure = Branch(S::kAborting, C::kSwitched, S::kRollbackStopping),
     .node_start = N::kRefusedOnceSwitched},
    {.step = S::kBackingUp,
     .name = "backing-up",
     .status = "backing up",
     .phase = P::kUpgrading,
     .effect = E::kBackUp,
     .resume = R::kFromStop,
     .max_attempts = kForwardAttempts,
     .on_success = To(S::kSwapping),
     .on_failure = Branch(S::kAborting, C::kSwitched, S::kRollbackStopping),
     .node_start = N::kRefusedOnceSwitched,
     .node_down = true},
    {.step = S::kSwapping,
     .name = "swapping",
     .status = "switching the binary",
     .phase = P::kUpgrading,
     .effect = E::kSwitchToTarget,
     .resume = R::kFromStop,
     .max_attempts = kForwardAttempts,
     .on_success = Branch(S::kStarting, C::kReverting, S::kRestoringPrevious, C::kLeaveStopped,
                          S::kCommitting),
     .on_failure = Branch(S::kAborting, C::kSwitched, S::kRollbackStopping),
     .node_start = N::kRefusedUnverified,
     .node_down = true},
    // An operator's rollback: the data of the version it returns to comes
    // back from the backup taken before the upgrade being undone.
    {.step = S::kRestoringPrevious,
     .name = "restoring-previous",
     .status = "restoring the data of the previous version",
     .phase = P::kUpgrading,
     .effect = E::kRestorePrevious,
     .resume = R::kFromStop,
     .max_attempts = kForwardAttempts,
     .on_success = Branch(S::kStarting, C::kLeaveStopped, S::kCommitting),
     .on_failure = To(S::kRollbackStopping),
     .node_start = N::kRefusedRestoring,
     .node_down = true},
    {.step = S::kStarting,
     .name = "starting",
     .status = "starting the new version",
     .phase = P::kUpgrading,
     .effect = E::kStartNode,
     .resume = R::kFromStop,
     .max_attempts = kForwardAttempts,
     .on_success = To(S::kHealthCheck),
     .on_failure = To(S::kRollbackStopping),
     .node_start = N::kAllowed,
     .node_down = true},
    {.step = S::kHealthCheck,
     .name = "health-check",
     .status = "health-check",
     .phase = P::kHealthCheck,
     .effect = E::kJudgeHealth,
     .resume = R::kRepeat,
     .max_attempts = kForwardAttempts,
     .on_success = To(S::kCommitting),
     .on_failure = To(S::kRollbackStopping),
     .node_start = N::kAllowed},
    // The node is healthy (or, manual, switched): a failed write is retried.
    {.step = S::kCommitting,
     .name = "committing",
     .status = "recording the upgrade",
     .phase = P::kUpgrading,
     .effect = E::kCommit,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = IfFleet(S::kReleasingSlot),
     .on_failure = To(S::kCommitting),
     .node_start = N::kAllowed},
    // A switch back that failed (a full disk) leaves `current` at the new
    // version, which must never run unchecked: the abort is retried. A start
    // of the old version that failed ends it with the node down.
    {.step = S::kAborting,
     .name = "aborting",
     .status = "aborting, starting the old version",
     .phase = P::kRollingBack,
     .effect = E::kAbort,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(S::kRecordingFailure),
     .on_failure = Branch(S::kRecordingFailure, C::kSwitched, S::kAborting),
     .node_start = N::kAllowed,
     .node_down = true,
     .undoes = true},
    // Never restore under a running node: the stop is retried until it is
    // down.
    {.step = S::kRollbackStopping,
     .name = "rollback-stopping",
     .status = "rolling back: stopping the new version",
     .phase = P::kRollingBack,
     .effect = E::kStopNode,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(S::kRestoring),
     .on_failure = To(S::kRollbackStopping),
     .node_start = N::kRefusedRestoring,
     .undoes = true,
     .rollback = true,
     .done_if_unit_down = true},
    // A half-restored tree must not be started: retry, unless no usable
    // backup is left; then the node stays down and the failure is recorded
    // (critical). A backup refused before anything was restored leaves the
    // data as the new version left it: the old version starts on it, through
    // the same check. A new agent stops the node before it restores again:
    // at boot the unit may have started the old version on the half-restored
    // tree.
    {.step = S::kRestoring,
     .name = "restoring",
     .status = "rolling back: restoring the data",
     .phase = P::kRollingBack,
     .effect = E::kRestore,
     .resume = R::kFromRollbackStop,
     .max_attempts = 0,
     .on_success = To(S::kRollbackStarting),
     .on_failure = Branch(S::kRestoring, C::kRestoreRefused, S::kRollbackStarting,
                          C::kBackupUnusable, S::kRecordingFailure),
     .node_start = N::kRefusedRestoring,
     .node_down = true,
     .undoes = true,
     .rollback = true},
    {.step = S::kRollbackStarting,
     .name = "rollback-starting",
     .status = "rolling back: starting the old version",
     .phase = P::kRollingBack,
     .effect = E::kStartNode,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(S::kRollbackVerifying),
     .on_failure = To(S::kRecordingFailure),
     .node_start = N::kAllowed,
     .node_down = true,
     .undoes = true,
     .rollback = true},
    {.step = S::kRollbackVerifying,
     .name = "rollback-verifying",
     .status = "rolling back: starting the old version",
     .phase = P::kRollingBack,
     .effect = E::kVerifyOldVersion,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(S::kRecordingFailure),
     .on_failure = To(S::kRecordingFailure),
     .node_start = N::kAllowed,
     .undoes = true,
     .rollback = true},
    {.step = S::kRecordingFailure,
     .name = "recording-failure",
     .status = "recording-failure",
     .phase = P::kUpgrading,
     .effect = E::kRecordFailure,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = {kEnd, {{C::kFleetRolledBack, S::kHalting}, {C::kFleet, S::kReleasingSlot}}},
     .on_failure = To(S::kRecordingFailure),
     .node_start = N::kAllowed},
    // The upgrade is recorded (committed or failed) and the node is up:
    // the slot goes back, retried until etcd answers.
    {.step = S::kReleasingSlot,
     .name = "releasing-slot",
     .status = "giving the fleet slot back",
     .phase = P::kUpgrading,
     .effect = E::kReleaseSlot,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(kEnd),
     .on_failure = To(S::kReleasingSlot),
     .node_start = N::kAllowed},
    // A rollback halts the version for the whole group, retried until etcd
    // answers.
    {.step = S::kHalting,
     .name = "halting",
     .status = "halting the fleet rollout",
     .phase = P::kUpgrading,
     .effect = E::kHaltFleet,
     .resume = R::kRepeat,
     .max_attempts = 0,
     .on_success = To(kEnd),
     .on_failure = To(S::kHalting),
     .node_start = N::kAllowed},
};
#pragma GCC diagnostic pop

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<size_t>(kTable[i].step) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kTable has one row per UpgradeStep, in the enum's order");

// The phase a row shows agrees with what it does: health-check is the step
// that judges health, rolling-back every step that undoes the upgrade.
constexpr bool PhasesAgreeWithEffects() {
  for (const StepSpec& row : kTable) {
    bool judges = row.effect == E::kJudgeHealth;
    if ((row.phase == StepPhase::kHealthCheck) != judges) return false;
    if ((row.phase == StepPhase::kRollingBack) != row.undoes) return false;
  }
  return true;
}
static_assert(PhasesAgreeWithEffects(), "a row's phase matches its effect and undoes flag");
// The enum's last step has the last row (a step added after it: name it here).
static_assert(std::size(kTable) == static_cast<size_t>(S::kHalting) + 1,
              "every UpgradeStep has its row in kTable");

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
    case C::kFleet:
      return s.fleet;
    case C::kFleetRolledBack:
      return s.fleet && s.rolled_back;
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
