#ifndef NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_
#define NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/shell/fleet_coordinator.h"
#include "agent/shell/upgrade_runner.h"
#include "tests/support/fake_etcd.h"
#include "tests/support/fake_host.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor::testing {

/// Thrown by a test's crash hooks where the real agent would die (SIGKILL or
/// a power cut); the world catches it and starts a new agent.
struct AgentDied {};

/// How an upgrade of genesis (1.1.0) to v2 (1.2.0) goes when nothing dies,
/// or with `revert` an operator's rollback of v2 back to genesis.
struct UpgradePath {
  const char* name;
  bool unhealthy = false;     ///< the version begun fails every health check: a rollback
  bool backup_fails = false;  ///< every backup fails (a full disk): the abort path
  /// The node runs v2 on the data it migrated ("v2-migrated"); the backup
  /// taken before v2 holds the pre-upgrade data; the operator rolls back to
  /// genesis, begun as Agent::PlanRollback begins it (restoring-previous).
  bool revert = false;
  /// The instance is in a fleet: the upgrade takes a slot first
  /// (taking-slot) and gives it back (releasing-slot) or halts (halting).
  bool fleet = false;
};

/// One upgrade on a FakeHost, driven to its end through agent deaths and
/// power cuts, then checked against the promises of the rollback path. Not
/// registered as a test itself: the crash matrix and the property test make
/// one per run. Main thread only.
class UpgradeWorld : public RunnerFixture {
 public:
  explicit UpgradeWorld(UpgradePath path);
  void TestBody() override {}

  /// A new agent process: a runner whose hooks crash at `crash_at` (on its
  /// first run of the upgrade), which resumes the recorded upgrade if
  /// `resume`.
  void NewAgent(std::optional<CrashPoint> crash_at, bool resume);
  /// Begins the upgrade (or the operator's rollback) in the first agent.
  void Begin();
  /// One thing happens: a job ends, the worker runs, or 10 s pass; a health
  /// check on an unhealthy path sees the node fail.
  void Step();
  /// The agent dies; with `power` the machine loses power and boots too.
  /// Then a new agent resumes from the records.
  void Die(bool power);
  /// Runs Step() until the upgrade ends, recovering from every AgentDied.
  void DriveToTheEnd(bool power);
  /// Every promise, checked with EXPECTs; then a last power cut and boot.
  void CheckPromises();

  std::string CurrentVersion() const;
  /// The upgrade begun: genesis to v2, or (revert) v2 back to genesis with
  /// the fields Agent::PlanRollback sets from the plan and the history.
  UpgradeState Start();
  // What the tests that drive a world read and set.
  using RunnerFixture::committed_;
  using RunnerFixture::finished_;
  using RunnerFixture::runner_;
  using ShellFixture::systemd_;
  using ShellFixture::worker_;

  UpgradePath path_;
  FakeHost host_;
  FakeEtcd etcd_{clock_};                  ///< survives agents and power cuts, as etcd would
  std::optional<FleetCoordinator> fleet_;  ///< the agent's, with path_.fleet
  /// Where the agent's fleet lives (path_.fleet): this world's own etcd and
  /// one holder by default; a fleet model points them at an etcd the hosts
  /// share, a holder per host and a fleet lane of its own.
  Etcd* fleet_etcd_ = &etcd_;
  FleetSettings fleet_settings_{.group = "g", .holder = "mixnode@" + std::string(32, 'a')};
  ManualWorker* fleet_lane_ = &worker_;
  std::set<UpgradeStep> visited_;  ///< every step a runner ran
  bool died_ = false;              ///< an AgentDied was thrown
  size_t starts_when_finished_ = 0;
  int boots_ = 1;

 private:
  /// A world that runs v2 on its migrated data, v2 applied over a backup.
  void RunV2();
  void CheckRecords();
  /// Every node start ran the version on its own data, the only data each
  /// of them may see in an operator's rollback.
  void CheckRevertStarts();
  /// The slot was given back: no fleet-slot.json, no slot or progress key;
  /// a rollback halted the version, a commit left its done mark.
  void CheckFleet();
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_
