#ifndef NYMVISOR_AGENT_SHELL_AGENT_H_
#define NYMVISOR_AGENT_SHELL_AGENT_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agent/base/message_ids.h"
#include "agent/config/config.h"
#include "agent/config/config_change.h"
#include "agent/decide/metrics.h"
#include "agent/decide/rollback_plan.h"
#include "agent/decide/status_snapshot.h"
#include "agent/decide/upgrade_gate.h"
#include "agent/decide/upgrade_policy.h"
#include "agent/decide/upgrade_schedule.h"
#include "agent/ports/backup_store.h"
#include "agent/ports/control_publisher.h"
#include "agent/ports/hasher.h"
#include "agent/ports/host_facts.h"
#include "agent/ports/http_client.h"
#include "agent/ports/notifier.h"
#include "agent/ports/process_runner.h"
#include "agent/ports/scheduler.h"
#include "agent/ports/systemd_manager.h"
#include "agent/ports/time_zones.h"
#include "agent/ports/worker.h"
#include "agent/records/layout.h"
#include "agent/records/upgrade_waits.h"
#include "agent/shell/fleet_coordinator.h"
#include "agent/shell/logger.h"
#include "agent/shell/stager.h"
#include "agent/shell/upgrade_records.h"
#include "agent/shell/upgrade_runner.h"
#include "agent/shell/upstream_poller.h"
#include "agent/shell/worker_lane.h"

namespace nymvisor {

/// Every effect the agent uses; run_command.cc passes the real ones. Build it
/// with designated initializers (`.systemd = ...`), so each effect is named
/// where it is wired.
struct AgentDeps {
  SystemdManager& systemd;
  HttpClient& http;
  FileSystem& files;
  ProcessRunner& probes;  ///< runs new binaries' build-info (as the node's user)
  BackupStore& backups;
  Clock& clock;
  Scheduler& scheduler;
  /// Backups, restores and pruning: the node may be down while they run.
  BackupLane worker;
  /// Polls and downloads, which may trickle for minutes: a lane of their own,
  /// so a backup never queues behind them while the node is down. A distinct
  /// type from `worker`, so the two cannot be swapped (shell/worker_lane.h).
  FetchLane fetch_worker;
  Notifier& notifier;
  Logger& log;
  std::function<Duration(Duration max)> jitter;
  HasherFactory make_hasher;            ///< digests for downloads
  std::string platform;                 ///< the host's upgrade-info platform key
  ControlPublisher* control = nullptr;  ///< the control API, when it is served
  /// Reads the instance's config again (Reload); unset: reload is refused.
  std::function<Result<Config>()> load_config;
  /// A verifier for nymvisor.trusted_keys (called only when there are some);
  /// unset: configured keys are an error.
  std::function<Result<std::shared_ptr<SignatureVerifier>>(const std::vector<std::string>& keys)>
      make_verifier;
  /// A GitHub token for the releases API (from the unit's credential), or
  /// empty. Never logged.
  std::string github_token;
  /// Answers the preflight checks of staged binaries; null: none are made.
  HostFacts* host = nullptr;
  /// The tz database for nymvisor.upgrade_time_zone; null: windows are UTC.
  TimeZones* zones = nullptr;
  /// /etc/machine-id: with the instance id, it fixes this instance's
  /// offset within nymvisor.rollout_spread.
  std::string machine_id;
  /// The fleet rollout (nymvisor.fleet_endpoints); null: no fleet. Started
  /// by Start (its keepalive runs from then on).
  FleetCoordinator* fleet = nullptr;
};

/// `nymvisor run`: watches upstream, stages upgrades ahead of time and, at
/// each upgrade's time, hands it to the UpgradeRunner; it never runs the node
/// itself. Reports to systemd with READY=1 and STATUS=. Main thread only (the
/// worker runs downloads and backups and reports back on it).
class Agent {
 public:
  Agent(Config config, AgentDeps deps, TestHooks hooks = {});
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

  /// What the agent is doing now, read fresh (the records are small files).
  StatusSnapshot Snapshot();

  // The operator's requests (the control API; ControlService authorizes the
  // caller first). `by` names the caller for the journal and the records.
  // Errors that say why the request cannot run now are Refused with a reason
  // name: UpgradeInProgress, NoStagedUpgrade, Held, UnknownUpgrade,
  // NoPreviousVersion, NoBackup, NoBinary, RestartRequired.

  /// Asks upstream now (no-op while a check is under way).
  Status CheckNow();
  /// Applies the next queued upgrade now, if it is staged; returns its name.
  Result<std::string> ApplyNow(const std::string& by);
  /// No upgrade is applied until Resume; recorded in `hold`, so it lasts
  /// across restarts. Holding twice keeps the first hold.
  Status Hold(const std::string& reason, const std::string& by);
  Status Resume(const std::string& by);
  /// Never applies the queued upgrade `name`; the history records the skip.
  Status Skip(const std::string& name, const std::string& by);
  /// Goes back to the version `to` (an upgrade name or "genesis"; "" is the
  /// version before the running one), restoring its data from the backup
  /// taken when the upgrade that replaced it was applied, through the health
  /// gate; returns that version. Refused (UnknownRollbackTarget) when `to`
  /// is not one of ListRollbackOptions.
  Result<std::string> Rollback(const std::string& by, const std::string& to = "");
  /// Clears the node-left-down record after the operator checked the data;
  /// starts the node when `start`. NotFound when there is no record.
  Status ReleaseNode(bool start, const std::string& by);
  /// Re-reads the config and the plan. Keys that change the instance's
  /// identity or paths need a restart and are refused (RestartRequired).
  Status Reload();

 private:
  void StartNodeUnlessAwaited();
  /// Reads node-left-down.json; while it exists the agent applies nothing and
  /// journals a critical entry at each start (`at_start`).
  Status LoadNodeLeftDown(bool at_start);
  void OnNodeChanged(const UnitState& state);
  void Reconcile();
  bool ApplyDecision(const ScheduleDecision& decision, const UpgradePlan& plan);
  void StartStaging(const UpgradeInfo& info);
  void OnStaged(const std::string& name, const Result<StagedBinary>& result);
  /// A passing failure of `name` (network, disk): staged again after a delay
  /// that doubles with each failure in a row.
  void RetryStagingLater(const std::string& name, const std::string& what, const std::string& why);
  void RetryStagingAfter(const std::string& name, Duration delay);
  void Refuse(const UpgradeInfo& info, const std::string& reason,
              std::string_view message_id = message_ids::kVerificationFailed,
              UpgradeOutcome outcome = UpgradeOutcome::kFailed);
  void BeginUpgrade(const UpgradeInfo& target);
  // The gate before the stop (shell/agent_gate.cc): daemon.busy_check, then
  // daemon.pre_upgrade_command, then BeginUpgrade. Nothing is stopped and no
  // upgrade-state.json exists while they run or postpone.

  /// The due, staged head of the queue: starts it once the gate lets it.
  void StartDueUpgrade(const UpgradeInfo& target);
  /// The gate's two commands, in this order.
  enum class GateStep { kBusyCheck, kPreHook };
  /// Runs `step`'s command for `target` on the fetch lane and judges its
  /// outcome (JudgeBusyCheck / JudgePreHook) into OnGateDecided, unless a
  /// newer run began meanwhile.
  void RunGateStep(const UpgradeInfo& target, GateStep step);
  /// Acts on the gate's decision about `target`, unless a newer gate began.
  void OnGateDecided(const UpgradeInfo& target, const GateDecision& decision, GateStep step);
  /// The queued head that apply-now may start now (staged, no hold, no
  /// upgrade in flight, the node not left down), or the Refused reason.
  Result<UpgradeInfo> ApplyNowTarget();
  /// The pre-upgrade command's answer to apply-now: a go begins `target`
  /// at once; a refusal refuses it as in the schedule; a 75 ends the
  /// request and leaves the upgrade to its schedule.
  void OnApplyNowDecided(const UpgradeInfo& target, const GateDecision& decision);
  /// Tells apply-now's caller (UpgradeFinished) that `target` did not start.
  void EndApplyNow(const UpgradeInfo& target, const std::string& result, const std::string& reason);
  /// Runs daemon.post_upgrade_command, if set, telling it how `target` ended.
  /// `fleet_halt`: the version a rollback halted for the fleet (hook's
  /// NYMVISOR_FLEET_HALT), or empty.
  void ReportOutcome(const UpgradeInfo& target, const std::string& from_version,
                     std::string_view outcome, const std::string& reason,
                     const std::string& fleet_halt = "");
  /// `nymvisor check`: clears pre_upgrade_command refusals, so that the
  /// check about to run may queue those upgrades again.
  void ClearRefusals();
  HookEvent GateEvent(const UpgradeInfo& target, const std::string& from_version) const;
  /// The running version (current-version.json), or "" when it cannot be read.
  std::string RunningVersion();
  void OnUpgradeFinished(const UpgradeState& state, bool committed);
  void ArmTimer(std::optional<Timestamp> at);
  void FillRecords(StatusSnapshot* s);
  void FillActivity(StatusSnapshot* s) const;
  /// The source followed and, while every poll fails, why and what to do.
  void FillUpstream(StatusSnapshot* s) const;
  /// github: the newest release the poller saw and how far behind it the
  /// node runs (decide/config_score.h); nothing before the first poll.
  void FillNewestRelease(StatusSnapshot* s) const;
  /// Sends a fresh snapshot to STATUS=, the control API and the metrics.
  void Publish();
  void RecountUpgrades();
  void WriteMetrics(const StatusSnapshot& status);
  void StartPoller();
  /// signatures_ for `config`: a verifier for its trusted keys, or none.
  Result<SignatureSettings> MakeSignatureSettings(const Config& config) const;
  Status RefuseIfBusy() const;
  Result<UpgradeState> PlanRollback(const std::string& by, const std::string& to);
  /// The backup a rollback to `to` restores: the one the history records
  /// with the upgrade that replaced it (refused with NoBackup when it is
  /// gone, never replaced by another), else, for older histories, the newest
  /// one under that upgrade's name.
  Result<std::filesystem::path> RollbackBackup(const RollbackTarget& target, const UpgradeInfo& to);
  /// Takes over a reloaded config; `change` is DiffConfigs(config_, config).
  Status ApplyConfig(Config config, const ConfigChange& change);
  // The schedule rules of issue 23 (shell/agent_policy.cc).
  /// Holds back a due head until its planned start (windows, release age,
  /// spread: decide/PlanStart), and sets the wake-up time; notes planned_.
  ScheduleDecision ApplyPolicy(ScheduleDecision decision, const UpgradePlan& plan);
  /// The config's windows in UTC around [now, due + 15 days], each end
  /// shortened by what an upgrade needs.
  UpgradePolicy MakePolicy(Timestamp now, Timestamp due);
  /// Records when each queued entry without a publishDate was first seen
  /// (DATA/upgrade-waits.json, so a restart keeps it); returns the head's.
  std::optional<Timestamp> NoteFirstSeen(const UpgradePlan& plan, const UpgradeInfo& head);
  std::filesystem::path WaitsFile() const;
  /// DATA/upgrade-waits.json; unreadable: journalled, and read as empty.
  UpgradeWaits LoadWaits();
  void SaveWaits(const UpgradeWaits& waits);
  /// When the gate of upgrade `name` first postponed it, as recorded by an
  /// earlier agent, else `now`: busy_deadline counts from it.
  Timestamp GateDueSince(const std::string& name, Timestamp now);
  /// Records the gate's due_since at its first postponement (kept while the
  /// upgrade is queued), so a restarted agent keeps the deadline.
  void NoteDueSince(const std::string& name, Timestamp due_since);
  /// The gate of `name` is done (passed or refused): a later offer of it
  /// starts a new deadline.
  void ForgetDueSince(const std::string& name);

  Config config_;
  Layout layout_;
  std::string unit_;
  AgentDeps deps_;
  UpgradeRecords records_;
  Stager stager_;
  UpgradeRunner runner_;
  std::unique_ptr<UpstreamPoller> poller_;
  SignatureSettings signatures_;  ///< from the config, made by deps_.make_verifier
  std::map<std::string, StageRecord> stages_;
  std::map<std::string, BuildInfo> staged_builds_;
  Scheduler::TimerId due_timer_ = 0;
  Scheduler::TimerId retry_timer_ = 0;
  std::map<std::string, uint32_t> stage_failures_;  ///< passing failures in a row, by upgrade
  std::string next_upgrade_;                        ///< the head of the queue at the last decision
  std::string last_outcome_;                        ///< "v2 rolled back: ..." for the status line
  std::string last_upgrade_;                        ///< the last upgrade that ended, and how
  std::string last_upgrade_result_;
  uint64_t last_downtime_usec_ = 0;
  std::string last_error_;
  bool node_down_ = false;  ///< the last upgrade's rollback did not bring the node back
  std::string download_;    ///< the upgrade being downloaded
  std::optional<uint32_t> download_percent_;
  uint64_t download_bytes_ = 0;
  std::shared_ptr<std::atomic<bool>> stopping_;  ///< read by the worker to cancel downloads
  std::function<void()> on_stopped_;
  bool awaiting_start_ = false;              ///< a manual upgrade left the node for the operator
  std::optional<HoldRecord> hold_;           ///< an operator holds upgrades
  std::optional<NodeDownRecord> left_down_;  ///< node-left-down.json: the node stays down
  UpgradeCounts counts_;                     ///< from the history, for the metrics
  std::string last_metrics_;                 ///< what the metrics file holds
  bool metrics_failing_ = false;             ///< a failure to write them was logged
  TestHooks hooks_;
  /// The gate of the due upgrade `name`; its due_since is recorded at the
  /// first postponement (NoteDueSince), so a restart keeps the deadline.
  struct Gate {
    std::string name = "";
    Timestamp due_since = {};
    std::optional<Timestamp> retry_at = std::nullopt;  ///< postponed until then
    std::string waiting_for = "";                      ///< "busy" or "hook" while postponed
    bool in_flight = false;                            ///< a command of this gate runs now
    bool passed = false;     ///< set only for the Reconcile that begins it
    bool apply_now = false;  ///< apply-now's pre-upgrade command runs (in_flight)
  };
  Gate gate_;
  uint64_t gate_runs_ = 0;  ///< counts gate commands; only the newest one's answer counts
  std::optional<PlannedStart> planned_;  ///< the head's planned start at the last decision
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_AGENT_H_
