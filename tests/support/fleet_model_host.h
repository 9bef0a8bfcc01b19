#ifndef NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_HOST_H_
#define NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_HOST_H_

#include <optional>
#include <string>
#include <vector>

#include "tests/support/fake_etcd.h"
#include "tests/support/upgrade_world.h"

namespace nymvisor::testing {

/// One host of the fleet model (tests/shell/fleet_model_test.cc): an
/// UpgradeWorld whose agents coordinate over a FakeEtcd shared with the
/// other hosts, under their own holder id and fleet settings. The model
/// drives it one event at a time and keeps its clock in step with the
/// others. Main thread only.
class ModelHost : public UpgradeWorld {
 public:
  /// Host number `index` of a group "g" on `shared`; `unhealthy`: v2 fails
  /// every health check on it; `backup_fails`: every backup fails (an abort).
  ModelHost(FakeEtcd& shared, int index, FleetSettings settings, bool unhealthy,
            bool backup_fails = false);

  /// What can happen on this host without time passing.
  enum class Action { kFailHealth, kFinishJob, kRunFleet, kRunWorker };
  std::vector<Action> Actions() const;
  bool Busy() const { return !Actions().empty(); }
  /// One thing happens: the unhealthy version's node fails its health
  /// check, a systemd job ends, the fleet lane or the backup lane runs.
  void Act(Action action);
  /// The fleet lane runs what is queued (an etcd call never lasts longer
  /// than the model's tick: a hang is modelled as one).
  void RunFleetLane() { fleet_worker_.RunAll(); }
  /// Time passes on this host (its timers fire).
  void Tick(Duration d) { scheduler_.Advance(d); }
  Timestamp Now() { return clock_.Now(); }

  /// The step its runner is in; nullopt when no upgrade is in flight.
  std::optional<UpgradeStep> step() const;
  bool NodeActive() const;
  bool SlotFileExists() const;
  /// When the history recorded v2 as completed; nullopt before.
  std::optional<Timestamp> CommittedAt();

  ManualWorker fleet_worker_;  ///< the fleet lane's own thread, as in run_command.cc
  std::string name_;           ///< "h<index>", for traces
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_HOST_H_
