#ifndef NYMVISOR_AGENT_AGENT_H_
#define NYMVISOR_AGENT_AGENT_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agent/backup_store.h"
#include "agent/config.h"
#include "agent/http_client.h"
#include "agent/layout.h"
#include "agent/logger.h"
#include "agent/message_ids.h"
#include "agent/notifier.h"
#include "agent/process_runner.h"
#include "agent/scheduler.h"
#include "agent/stager.h"
#include "agent/systemd_manager.h"
#include "agent/upgrade_records.h"
#include "agent/upgrade_runner.h"
#include "agent/upgrade_schedule.h"
#include "agent/upstream_poller.h"
#include "agent/worker.h"

namespace nymvisor {

/// Every effect the agent uses; run_command.cc passes the real ones.
struct AgentDeps {
  SystemdManager& systemd;
  HttpClient& http;
  FileSystem& files;
  ProcessRunner& probe_runner;  ///< runs new binaries' build-info (as the node's user)
  BackupStore& backups;
  Clock& clock;
  Scheduler& scheduler;
  Worker& worker;
  Notifier& notifier;
  Logger& log;
  std::function<Duration(Duration max)> jitter;
};

/// `nymvisor run`: watches upstream, stages upgrades ahead of time and, at
/// each upgrade's time, hands it to the UpgradeRunner; it never runs the node
/// itself. Reports to systemd with READY=1 and STATUS=. Main thread only (the
/// worker runs downloads and backups and reports back on it).
class Agent {
 public:
  Agent(Config config, AgentDeps deps, StepDelays step_delays = {});
  ~Agent();

  /// Subscribes to systemd, watches the node's unit, resumes an upgrade left
  /// by an earlier run (or else starts the node if it is down, unless a
  /// manual upgrade left it for the operator), sends READY=1 and checks
  /// upstream once.
  Status Start();
  /// upgrade-plan.json changed (add-upgrade, or our own write): look again.
  void OnPlanChanged();
  /// SIGTERM: STOPPING=1; an upgrade in progress finishes or rolls back first,
  /// then `done` runs.
  void Stop(std::function<void()> done);

 private:
  void StartNodeUnlessAwaited();
  void OnNodeChanged(const UnitState& state);
  void Reconcile();
  bool ApplyDecision(const ScheduleDecision& decision, const UpgradePlan& plan);
  void StartStaging(const UpgradeInfo& info);
  void OnStaged(const std::string& name, const Result<StagedBinary>& result);
  void Refuse(const UpgradeInfo& info, const std::string& reason,
              std::string_view message_id = message_ids::kVerificationFailed);
  void BeginUpgrade(const UpgradeInfo& target);
  void OnUpgradeFinished(const UpgradeState& state, bool committed);
  void ArmTimer(std::optional<Timestamp> at);
  void ReportIdle(const UpgradePlan& plan, const ScheduleDecision& decision);
  void Report(const std::string& status);

  Config config_;
  Layout layout_;
  std::string unit_;
  AgentDeps deps_;
  UpgradeRecords records_;
  Stager stager_;
  UpgradeRunner runner_;
  std::unique_ptr<UpstreamPoller> poller_;
  std::map<std::string, StageRecord> stages_;
  std::map<std::string, BuildInfo> staged_builds_;
  Scheduler::TimerId due_timer_ = 0;
  Scheduler::TimerId retry_timer_ = 0;
  std::string last_outcome_;                     ///< "v2 rolled back: ..." for the status line
  std::string progress_;                         ///< "downloading v2 45%"
  std::string status_ = "starting";              ///< the last STATUS= sent
  std::shared_ptr<std::atomic<bool>> stopping_;  ///< read by the worker to cancel downloads
  std::function<void()> on_stopped_;
  bool awaiting_start_ = false;  ///< a manual upgrade left the node for the operator
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_AGENT_H_
