#ifndef NYMVISOR_AGENT_UPGRADE_RUNNER_H_
#define NYMVISOR_AGENT_UPGRADE_RUNNER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "agent/backup_store.h"
#include "agent/clock.h"
#include "agent/health_gate.h"
#include "agent/logger.h"
#include "agent/scheduler.h"
#include "agent/systemd_manager.h"
#include "agent/upgrade_records.h"
#include "agent/upgrade_state.h"
#include "agent/worker.h"

namespace nymvisor {

/// The effects an upgrade drives.
struct RunnerDeps {
  SystemdManager& systemd;
  BackupStore& backups;
  UpgradeRecords& records;
  Clock& clock;
  Scheduler& scheduler;
  Worker& worker;
  Logger& log;
  std::function<void(const std::string& status)> report;  ///< STATUS= text
};

/// Test-only pauses before steps (from NYMVISOR_TEST_STEP_DELAY), which give
/// the end-to-end suite a window to kill the agent at a chosen step.
using StepDelays = std::map<UpgradeStep, Duration>;

/// Parses "backing-up=5s,health-check=2s"; errors name the bad item.
Result<StepDelays> ParseStepDelays(std::string_view text);

struct RunnerSettings {
  std::string unit;  ///< the node's unit
  HealthPolicy health;
  uint32_t backups_to_keep = 3;
  Duration job_timeout = std::chrono::minutes(10);     ///< no JobRemoved by then: a failure
  Duration rollback_check = std::chrono::seconds(10);  ///< the old version must stay up this long
  Duration retry_delay = std::chrono::seconds(10);     ///< before repeating a failed write
  uint32_t max_attempts = 3;  ///< agent runs an upgrade may take before it is given up
  /// A stopping agent lets a health check with at most this much left run to
  /// its real verdict (the unit's TimeoutStopSec=10min bounds the wait).
  Duration stop_budget = std::chrono::minutes(5);
  StepDelays step_delays;
};

/// Carries one upgrade through the state machine of upgrade_steps.h, talking
/// to systemd, the backup store and the records. Before each step the state
/// is written to upgrade-state.json, so an agent that dies at any point
/// resumes the step (every step is idempotent) and the upgrade finishes or
/// rolls back; the node is never left stopped by accident. Main thread only.
class UpgradeRunner {
 public:
  /// Called once the upgrade is over: committed, or recorded as failed.
  using Finished = std::function<void(const UpgradeState& state, bool committed)>;

  UpgradeRunner(RunnerDeps deps, RunnerSettings settings, Finished on_finished);

  /// Starts an upgrade (the target is staged and due). An error means nothing
  /// was touched: the state could not be recorded.
  Status Begin(UpgradeState initial);
  /// Continues an upgrade recorded by an earlier agent process.
  void Resume(UpgradeState state);

  bool active() const { return state_.has_value(); }
  const std::optional<UpgradeState>& state() const { return state_; }

  void OnJobRemoved(const std::string& job, const std::string& result);
  void OnUnitChanged(const std::string& unit, const UnitState& unit_state);
  /// The agent is stopping: a health check with at most stop_budget left runs
  /// to its end; a longer one is judged now (healthy so far is committed, an
  /// unhealthy one rolled back). Other steps just finish.
  void Hurry();

 private:
  void Enter(UpgradeStep step);
  void RunStep();
  void Advance(bool ok, const std::string& failure = "");
  void QueueJob(bool start);
  bool UnitIsDown();  ///< inactive or failed: no process of the node is left
  void RunBackup();
  void RunRestore();
  void RunSwap();
  Status SwitchBack();
  void RunAbort();
  void BeginHealthCheck();
  /// Judges a state from a PropertiesChanged signal, or (ReadAndJudge) a
  /// fresh read at the end of the period; the unit is never polled.
  void Judge(const UnitState& unit, bool at_end);
  void ReadAndJudge(bool at_end);
  void ReportHealthProgress();
  void VerifyRollback();
  void RunCommit();
  void RunRecordFailure();
  void Finish(bool committed);
  void CancelTimers();
  void Report(const std::string& what);
  Logger::Fields EventFields() const;

  RunnerDeps deps_;
  RunnerSettings settings_;
  Finished on_finished_;
  std::optional<UpgradeState> state_;
  std::string pending_job_;
  Scheduler::TimerId timer_ = 0;
  Scheduler::TimerId tick_ = 0;
  bool hurried_ = false;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_UPGRADE_RUNNER_H_
