#ifndef NYMVISOR_AGENT_DECIDE_UPGRADE_STEPS_H_
#define NYMVISOR_AGENT_DECIDE_UPGRADE_STEPS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "agent/base/duration.h"
#include "agent/base/status.h"

namespace nymvisor {

struct UpgradeState;

/// The named steps of one upgrade. Each is recorded durably before it runs, so
/// an agent that dies at any point resumes it; every step can be run again.
enum class UpgradeStep {
  kTakingSlot,
  kPreCopying,
  kStopping,
  kBackingUp,
  kSwapping,
  kRestoringPrevious,
  kStarting,
  kHealthCheck,
  kCommitting,
  kAborting,
  kRollbackStopping,
  kRestoring,
  kRollbackStarting,
  kRollbackVerifying,
  kRecordingFailure,
  kReleasingSlot,
  kHalting,
};

/// The one effect the runner performs for a step.
enum class StepEffect {
  kPreCopy,           ///< copy DAEMON_HOME (minus nymvisor/) while the node runs, on the worker
  kStopNode,          ///< StopUnit, then wait for its JobRemoved
  kBackUp,            ///< bring the pre-copy up to date (or copy all) on the worker
  kSwitchToTarget,    ///< point `current` at the new version, write current-version.json
  kRestorePrevious,   ///< an operator's rollback: restore the data of the version it returns to
  kStartNode,         ///< reset the start limit, StartUnit, wait for the job
  kJudgeHealth,       ///< the unit must stay healthy for the health period
  kCommit,            ///< write the plan and history: the upgrade is kept
  kAbort,             ///< point `current` back if needed; start the old version if it ran
  kRestore,           ///< point `current` back, restore the data from the backup
  kVerifyOldVersion,  ///< the old version must be up after a short wait
  kRecordFailure,     ///< write the history (rolled back / failed), drop from the queue
  kTakeSlot,          ///< ask the fleet for a slot until it says go (shell/FleetCoordinator)
  kReleaseSlot,       ///< give the fleet slot back (a done mark after a commit)
  kHaltFleet,         ///< halt the version for the fleet and give the slot back
};

/// A condition on the upgrade's state that picks an edge.
enum class StepCondition {
  kNone,  ///< an unused branch: never taken
  kSkipBackup,
  kLeaveStopped,
  kSwitched,
  kBackupUnusable,
  kRestoreRefused,   ///< the backup was refused before the data was touched
  kReverting,        ///< an operator's rollback to the previous version
  kFleet,            ///< the upgrade takes a fleet slot (nymvisor.fleet_endpoints)
  kFleetRolledBack,  ///< a fleet upgrade that was rolled back: it halts the version
};

/// A way out of a step that is taken when `when` holds.
struct StepBranch {
  StepCondition when = StepCondition::kNone;
  std::optional<UpgradeStep> to;
};

/// Where a step goes: the first branch whose condition holds, else `to`. An
/// empty target ends the upgrade; a target equal to the step itself retries
/// it after a pause.
struct StepEdge {
  std::optional<UpgradeStep> to;
  StepBranch branches[2] = {};
};

/// How a step continues in a new agent process.
enum class ResumeRule {
  kFromStop,  ///< start over from stopping the node: it may have been started meanwhile
  kRepeat,    ///< run the same step again
  /// Stop the node, then run the step again (through rollback-stopping): a
  /// step that writes the node's data. A reboot or a restart may have started
  /// the node (its unit is enabled), and nothing is ever restored under it.
  kFromRollbackStop,
};

/// What the agent's state reads (AgentState in status_snapshot.h: `nymvisor
/// status`, the control API's State, the metrics) while a step runs.
enum class StepPhase {
  kUpgrading,    ///< "upgrading"
  kHealthCheck,  ///< "health-check"
  kRollingBack,  ///< "rolling-back"
};

/// Whether the node unit may start (`nymvisor exec`) while a step is
/// recorded; decide/node_start_guard.h says why, step by step. The agent
/// starts the node itself only in steps that allow it.
enum class NodeStartRule {
  kAllowed,
  /// Refused once the upgrade is switched (a resumed upgrade): `current` may
  /// name a version the agent has not started and checked yet.
  kRefusedOnceSwitched,
  /// Refused: `current` may have moved before the record did.
  kRefusedUnverified,
  /// Refused: the data is being restored, or a restore follows that must not
  /// run under a live node.
  kRefusedRestoring,
};

/// One row of the upgrade state machine, written with designated
/// initializers. The fields without a default must be given in every row
/// (the table's file makes a missing one a compile error); the flags are
/// false unless a row names them.
struct StepSpec {
  UpgradeStep step;
  std::string_view name;    ///< in upgrade-state.json and NYMVISOR_STEP=; never renamed
  std::string_view status;  ///< the STATUS= text while it runs
  StepPhase phase;          ///< what the agent's state reads while it runs
  StepEffect effect;
  ResumeRule resume;
  uint32_t max_attempts;  ///< agent runs it may take before the upgrade is given up (0: any)
  StepEdge on_success;
  StepEdge on_failure;
  NodeStartRule node_start;
  bool node_down = false;          ///< runs while the node is stopped: its time is downtime
  bool undoes = false;             ///< undoes the upgrade: a final failure leaves the node down
  bool rollback = false;           ///< undoes a switched upgrade: entering it marks it rolled back
  bool done_if_unit_down = false;  ///< a failed stop job still counts once the unit is down
};

/// Every step, in enum order. The state machine in one place:
///   [taking-slot →] pre-copying → stopping → backing-up → swapping → starting → health-check
///   → committing
/// (pre-copying copies the data while the node runs, so backing-up copies
/// only what changed since; both are skipped with skip_backup; a manual upgrade goes from swapping
/// straight to committing; an operator's rollback restores the data of the
/// version it returns to after swapping, in restoring-previous). Before the
/// switch a failure aborts; after it, it rolls back: rollback-stopping →
/// restoring → rollback-starting → rollback-verifying; every unsuccessful path
/// ends in recording-failure. With a fleet (UpgradeState::fleet) the
/// upgrade first waits in taking-slot (the node runs; nothing is touched, so
/// hold and skip may abandon it), and gives the slot back after committing
/// or recording a failure (releasing-slot), or halts the version after a
/// rollback (halting).
std::span<const StepSpec> StepTable();
const StepSpec& Spec(UpgradeStep step);
std::string_view StepName(UpgradeStep step);
Result<UpgradeStep> ParseStepName(std::string_view name);
/// True for the steps that undo an upgrade after the switch.
bool IsRollbackStep(UpgradeStep step);

/// What follows a step that ended. Pure.
struct StepOutcome {
  std::optional<UpgradeStep> next;  ///< nullopt: the upgrade is over
  bool retry = false;               ///< next is the same step: run it again after a pause
  bool node_left_down = false;      ///< an undo failed for good: the old version is not up
};
StepOutcome DecideNext(const UpgradeState& state, bool succeeded);

/// Where an upgrade recorded by an earlier agent process continues.
/// `state.attempts` already counts this run. Pure.
struct ResumePlan {
  UpgradeStep step;
  std::string failure;  ///< set when the upgrade is given up: why
};
ResumePlan DecideResume(const UpgradeState& state);

/// Test-only pauses before steps (NYMVISOR_TEST_STEP_DELAY), which give the
/// end-to-end suite a window to kill the agent at a chosen step.
using StepDelays = std::map<UpgradeStep, Duration>;

/// Parses "backing-up=5s,health-check=2s"; errors name the bad item.
Result<StepDelays> ParseStepDelays(std::string_view text);

/// Where a test build makes the agent kill itself, as a crash would there:
/// right after `step` is recorded ("enter:<step>"), or once its effect is
/// done and before the next step is recorded ("done:<step>").
struct CrashPoint {
  UpgradeStep step = UpgradeStep::kStopping;
  bool after_effect = false;
};

/// "enter:<step>" or "done:<step>", from NYMVISOR_TEST_CRASH_AT. Pure.
Result<CrashPoint> ParseCrashPoint(std::string_view text);

/// What a test build's environment (NYMVISOR_TEST_*) asks of the runner;
/// empty in service.
struct TestHooks {
  StepDelays step_delays = {};
  std::optional<CrashPoint> crash_at = {};  ///< only on the first agent run of an upgrade
  std::function<void()> crash = {};         ///< kills the agent (SIGKILL)
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPGRADE_STEPS_H_
