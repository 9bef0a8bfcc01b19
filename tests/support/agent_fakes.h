#ifndef NYMVISOR_TESTS_SUPPORT_AGENT_FAKES_H_
#define NYMVISOR_TESTS_SUPPORT_AGENT_FAKES_H_

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/ports/backup_store.h"
#include "agent/ports/scheduler.h"
#include "agent/ports/systemd_manager.h"
#include "agent/ports/worker.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {

/// systemd's manager as the agent sees it: jobs get paths and finish when the
/// test says so (Finish), unit states are whatever the test sets.
class FakeSystemdManager : public SystemdManager {
 public:
  void SetEvents(Events events) override { events_ = std::move(events); }
  Status Subscribe() override;
  Status Reload() override;
  Result<std::string> StartUnit(const std::string& unit) override;
  Result<std::string> StopUnit(const std::string& unit) override;
  Status ResetFailedUnit(const std::string& unit) override;
  Status WatchUnit(const std::string& unit) override;
  Result<UnitState> GetUnitState(const std::string& unit) override;

  /// Ends the oldest pending job with `result` ("done", "failed", ...) and
  /// moves its unit to the matching state, then delivers JobRemoved.
  void Finish(const std::string& result = "done");
  /// Another client (an operator's systemctl) queues a job: delivers job_new;
  /// Finish ends it like the agent's own.
  std::string OperatorJob(const std::string& verb, const std::string& unit);
  /// Changes a unit's state and delivers unit_changed.
  void Change(const std::string& unit, const std::function<void(UnitState&)>& edit);
  /// The power goes: every unit stops at once and every queued job is lost,
  /// without a signal (nobody is left to receive one).
  void PowerCut();
  /// The machine comes up: every unit in `enabled` (WantedBy=multi-user.target)
  /// is started, as far as `may_start` lets its process run.
  void Boot();

  std::set<std::string> enabled;
  /// Whether a unit's process may run now (for the node: whether `nymvisor
  /// exec` lets it). A start it refuses fails, as an ExecStart= that exits at
  /// once would. Every start asks it, at boot and for a job alike.
  std::function<bool(const std::string& unit)> may_start = [](const std::string&) { return true; };
  /// A unit's process started (it was not running): by a job or at boot.
  std::function<void(const std::string& unit)> on_started;

  std::map<std::string, UnitState> units;
  std::vector<std::string> calls;  ///< "start X", "stop X", "reset-failed X", ...
  std::deque<std::pair<std::string, std::string>> pending;  ///< (job, "start X"/"stop X")
  Status fail_next_job;
  bool subscribed = false;
  Events events_;

 private:
  Result<std::string> Queue(const std::string& verb, const std::string& unit);
  /// Moves `unit` to active if `may_start` lets it (else failed); true if it
  /// runs now.
  bool Launch(const std::string& unit);
  int next_job_ = 1;
};

/// Timers on a pretend monotonic clock the test advances; wall-clock timers
/// compare against a FakeClock.
class FakeScheduler : public Scheduler {
 public:
  explicit FakeScheduler(FakeClock& clock) : clock_(clock) {}
  TimerId After(Duration delay, Callback cb) override;
  TimerId At(Timestamp when, Callback cb) override;
  void Cancel(TimerId id) override;
  /// Moves the clock forward and fires everything that became due, in order.
  void Advance(Duration d);
  size_t pending() const { return timers_.size(); }

 private:
  FakeClock& clock_;
  TimerId next_ = 1;
  std::map<TimerId, std::pair<Timestamp, Callback>> timers_;
};

/// Jobs wait until the test calls RunAll (or run at once with `inline_jobs`).
class ManualWorker : public Worker {
 public:
  void Post(std::function<void()> job, std::function<void()> done) override;
  void RunOnMain(std::function<void()> fn) override { fn(); }
  void RunAll();
  /// The agent died: its queued jobs never run, their results never arrive.
  void Clear() { jobs_.clear(); }
  bool inline_jobs = false;
  size_t queued() const { return jobs_.size(); }

 private:
  std::deque<std::pair<std::function<void()>, std::function<void()>>> jobs_;
};

/// Records backup calls; a test can make any of them fail. It also models
/// the data: Create copies `home` into a backup (the n-th backup of a name is
/// /backups/<name>/backup-<n>-preupgrade), Restore copies one back, Prune
/// removes backups as the real store does (oldest first, keeping `protect`).
class FakeBackupStore : public BackupStore {
 public:
  Status PreCopy(const std::string& upgrade_name) override;
  Result<std::filesystem::path> Create(const std::string& upgrade_name) override;
  Status Restore(const std::filesystem::path& backup) override;
  Status Prune(uint32_t keep, const std::vector<std::filesystem::path>& protect) override;
  Result<std::filesystem::path> Latest(const std::string& upgrade_name) override;
  bool IsComplete(const std::filesystem::path& backup) override;
  Status DiscardPreCopy() override;
  Result<bool> HomeMatches(const std::filesystem::path& backup) override;
  std::vector<std::string> TakeNotes() override;
  Status fail_pre_copy;
  Status fail_prune;
  bool home_matches = true;        ///< what HomeMatches answers
  std::vector<std::string> notes;  ///< what TakeNotes hands out (once)
  Status fail_create;
  /// What Latest answers, by upgrade, when no backup of that name was made.
  std::map<std::string, std::filesystem::path> latest;
  Status fail_restore;
  std::vector<std::string> calls;
  std::string home;  ///< the node's data, as one string
  /// The backups that exist (oldest first) and the data each holds.
  std::vector<std::pair<std::filesystem::path, std::string>> backups;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_AGENT_FAKES_H_
