#ifndef NYMVISOR_AGENT_SHELL_UPGRADE_RUNNER_H_
#define NYMVISOR_AGENT_SHELL_UPGRADE_RUNNER_H_

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "agent/config/config.h"
#include "agent/decide/api_health.h"
#include "agent/decide/health_gate.h"
#include "agent/decide/upgrade_state.h"
#include "agent/decide/upgrade_steps.h"
#include "agent/ports/backup_store.h"
#include "agent/ports/clock.h"
#include "agent/ports/http_client.h"
#include "agent/ports/scheduler.h"
#include "agent/ports/systemd_manager.h"
#include "agent/shell/fleet_coordinator.h"
#include "agent/shell/logger.h"
#include "agent/shell/upgrade_records.h"
#include "agent/shell/worker_lane.h"

namespace nymvisor {

/// The effects an upgrade drives.
struct RunnerDeps {
  SystemdManager& systemd;
  BackupStore& backups;
  UpgradeRecords& records;
  Clock& clock;
  Scheduler& scheduler;
  BackupLane worker;  ///< the backup lane, never the fetch lane
  Logger& log;
  std::function<void()> changed;  ///< the step or the health check's progress moved on
  /// This boot's id (/proc/sys/kernel/random/boot_id); unset or empty: unknown.
  /// A health check begun in another boot starts over: the machine was off,
  /// so the new version was not proven while the clock ran.
  std::function<std::string()> boot_id = {};
  /// Asks the node's API during the health check (daemon.health_check_url,
  /// build_info_url) on the backup lane, which is idle then; unset: the
  /// URLs are not asked. Must be safe to call from the worker thread.
  HttpClient* http = nullptr;
  /// The fleet (nymvisor.fleet_endpoints); null: no fleet, and upgrades
  /// whose state says fleet do their fleet steps as no-ops.
  FleetCoordinator* fleet = nullptr;
};

struct RunnerSettings {
  std::string unit;  ///< the node's unit
  HealthPolicy health;
  uint32_t backups_to_keep = 3;
  Duration job_timeout = std::chrono::minutes(10);      ///< no JobRemoved by then: a failure
  Duration rollback_check = std::chrono::seconds(10);   ///< the old version must stay up this long
  Duration retry_delay = std::chrono::seconds(10);      ///< before repeating a failed write
  Duration fleet_ask_every = std::chrono::seconds(10);  ///< taking-slot asks the fleet again
  /// Queued behind a holder, it asks sooner: the slot frees the moment the
  /// holder commits, and each ask is one range read (B7 measured a rollout
  /// at 1.6 times the one-by-one time when it waited fleet_ask_every).
  Duration fleet_queue_ask_every = std::chrono::seconds(2);
  /// A stopping agent lets a health check with at most this much left run to
  /// its real verdict (the unit's TimeoutStopSec=10min bounds the wait).
  Duration stop_budget = std::chrono::minutes(5);
  /// The node's API during the health check (empty: not asked).
  std::string health_url = "";
  std::string build_info_url = "";
  TestHooks hooks;
};

/// The settings a config gives: the node's unit, the health policy, backups.
RunnerSettings MakeRunnerSettings(const Config& config, TestHooks hooks);

/// How far the health check has got, for the status.
struct HealthProgress {
  Duration elapsed;
  Duration period;
};

/// Performs the effects of the upgrade state machine (decide/upgrade_steps.h,
/// which decides every transition), talking to systemd, the backup store and
/// the records. Before each step the state is written to upgrade-state.json,
/// so an agent that dies at any point resumes the step and the upgrade
/// finishes or rolls back; the node is never left stopped by accident. Main
/// thread only.
class UpgradeRunner {
 public:
  /// Called once the upgrade is over: committed, or recorded as failed.
  using Finished = std::function<void(const UpgradeState& state, bool committed)>;

  UpgradeRunner(RunnerDeps deps, RunnerSettings settings, Finished on_finished);
  /// Cancels its timers: none may call into a runner that is gone.
  ~UpgradeRunner();
  UpgradeRunner(const UpgradeRunner&) = delete;
  UpgradeRunner& operator=(const UpgradeRunner&) = delete;

  /// Starts an upgrade (the target is staged and due). An error means nothing
  /// was touched: the state could not be recorded.
  Status Begin(UpgradeState initial);
  /// Continues an upgrade recorded by an earlier agent process.
  void Resume(UpgradeState state);
  /// Drops an upgrade that still waits for its fleet slot (taking-slot:
  /// nothing of the node was touched), withdrawing its slot key, without a
  /// history entry and without calling Finished. False in any other step.
  bool AbandonWhileWaiting();
  /// Waits in taking-slot: hold, skip and reload may abandon it.
  bool waiting_for_slot() const { return state_ && state_->step == UpgradeStep::kTakingSlot; }

  bool active() const { return state_.has_value(); }
  /// New settings (a config reload); only while no upgrade is in flight.
  void UpdateSettings(RunnerSettings settings) { settings_ = std::move(settings); }
  const std::optional<UpgradeState>& state() const { return state_; }
  /// Someone else stopped the node during the health check (see OnJobNew).
  bool paused_for_operator() const { return state_ && state_->health_paused_at.has_value(); }
  /// Set during the health check.
  std::optional<HealthProgress> health_progress() const;

  /// A job was queued for some unit: one for the node that the agent did
  /// not queue, met during the health check, is someone else's stop or
  /// restart. If the node goes down under it, the check pauses (the node
  /// stays as they left it) until the node is started again.
  void OnJobNew(const std::string& job, const std::string& unit);
  void OnJobRemoved(const std::string& job, const std::string& result);
  void OnUnitChanged(const std::string& unit, const UnitState& unit_state);
  /// The agent is stopping: a health check with at most stop_budget left runs
  /// to its end; a longer one is judged now (healthy so far is committed, an
  /// unhealthy one rolled back). Other steps just finish.
  void Hurry();

 private:
  void Enter(UpgradeStep step);
  /// The test build's crash point, if this is it (TestHooks::crash_at).
  void CrashIfAt(UpgradeStep step, bool after_effect);
  /// Runs the recorded step, after the test build's pause before it
  /// (TestHooks::step_delays), the first step of an upgrade included.
  void RunStepAfterTestDelay(UpgradeStep step);
  /// Runs the effect of the recorded step, through EffectFunction.
  void RunStep();
  /// The member function that performs a step's effect: one per StepEffect,
  /// each in a switch without a default that the compiler checks (-Wswitch
  /// as an error), so a new effect cannot be left without its function.
  using EffectFn = void (UpgradeRunner::*)();
  static EffectFn EffectFunction(StepEffect effect);
  void Advance(bool ok, const std::string& failure = "");
  void RunStop();   ///< StepEffect::kStopNode
  void RunStart();  ///< StepEffect::kStartNode
  void QueueJob(bool start);
  bool UnitIsDown();
  void RunPreCopy();
  /// A start job that failed because systemd could not spawn the node in its
  /// cgroup (never the node's fault) is queued once more; true when it was.
  bool RetrySpawnFailure();
  /// Journals how long the step took (from its recording): where downtime goes.
  void LogStepTime(bool ok);
  /// Journals a failed prune (on the main thread), with what to do.
  void WarnIfPruneFailed(const Status& pruned);
  void RunBackup();
  void RunRestore();
  /// The restore finished (on the main thread): a refused backup starts the
  /// old version on the data as it is, if nothing was restored yet.
  void OnRestored(const Status& result);
  void RunRestorePrevious();
  void RunSwap();
  Status SwitchBack();
  void RunAbort();
  void BeginHealthCheck();
  /// Judges a state from a PropertiesChanged signal, or (ReadAndJudge) a
  /// fresh read at the end of the period; the unit is never polled.
  void Judge(const UnitState& unit, bool at_end);
  void ReadAndJudge(bool at_end);
  void TickHealthProgress();
  void ArmHealthTimers();
  /// A resumed check: counts only the healthy time seen before.
  void ContinueHealthCheck(const UnitState& unit);
  bool InHealthCheck() const;
  /// What the node's API must show for the version being checked.
  ApiHealthPolicy ApiPolicy() const;
  /// Asks the API on the worker, unless a round is under way or nothing is
  /// asked; the answer is judged on the main thread (OnApiProbed).
  void ProbeApi();
  struct ApiProbe;
  void OnApiProbed(const ApiProbe& probe, uint64_t round);
  /// Forgets another client's job; true if it was one. Pauses the check if
  /// the node is down now.
  bool OnOperatorJobRemoved(const std::string& job);
  void PauseForOperator();
  void ResumeAfterOperator(const UnitState& unit);
  void VerifyRollback();
  void RunCommit();
  void RunRecordFailure();
  void RunTakeSlot();     ///< StepEffect::kTakeSlot
  void RunReleaseSlot();  ///< StepEffect::kReleaseSlot
  void RunHaltFleet();    ///< StepEffect::kHaltFleet
  /// Ends a recorded upgrade: through the fleet's steps when it has a
  /// fleet, else Finish at once.
  void FinishOrHandOver(bool committed);
  /// Writes node-left-down.json for a rollback that left the node down,
  /// before upgrade-state.json goes: only an operator clears it.
  Status SaveNodeLeftDown();
  void Finish(bool committed);
  /// What a prune after committing `state` must keep: the backup the
  /// running version's rollback will restore, whatever backups_to_keep says.
  static std::vector<std::filesystem::path> BackupsToProtect(const UpgradeState& state);
  /// After a commit: keeps the backups a rollback to each of the first
  /// backups_to_keep versions one can return to restores (counted in
  /// versions, not backups) and removes the rest. A history that does not
  /// name every one of them (older releases) keeps the newest
  /// backups_to_keep backups as well.
  void PruneBackups(const UpgradeState& state);
  void CancelTimers();
  Logger::Fields EventFields() const;

  RunnerDeps deps_;
  RunnerSettings settings_;
  Finished on_finished_;
  std::optional<UpgradeState> state_;
  std::string pending_job_;
  Timestamp step_began_{};      ///< when the current step was entered
  bool spawn_retried_ = false;  ///< RetrySpawnFailure has queued its one extra start in this step
  std::set<std::string> operator_jobs_;      ///< others' jobs for the node in this health check
  std::optional<UnitState> last_signalled_;  ///< the node as its last change signal showed it
  Scheduler::TimerId timer_ = 0;
  Scheduler::TimerId tick_ = 0;
  bool hurried_ = false;
  ApiHealth api_;             ///< what this health period's probes saw (in memory only)
  uint64_t api_round_ = 0;    ///< a new period's number: older answers are dropped
  bool probing_ = false;      ///< a probe round is on the worker
  uint64_t fleet_round_ = 0;  ///< each fleet request's number: a stale answer is dropped
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_UPGRADE_RUNNER_H_
