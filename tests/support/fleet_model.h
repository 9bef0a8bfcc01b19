#ifndef NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_H_
#define NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fleet_model_host.h"

namespace nymvisor::testing {

constexpr int kHosts = 3;  ///< hosts in the model's group "g"
/// What one "time passes" event moves every clock by.
constexpr Duration kTick = std::chrono::seconds(10);
/// The canary's soak (fleet_soak).
constexpr Duration kSoak = std::chrono::seconds(60);

/// The faults of a run: kRandom, any of them at random on any host; else
/// agent kills (kNone) plus one kind, aimed at host 0 (the systematic part).
enum class FaultKind { kRandom, kNone, kPowerCut, kEtcdDown, kLeaseExpiry };

/// One run of the model.
struct RunSpec {
  uint32_t seed = 0;
  uint64_t max_unavailable = 1;
  std::optional<CrashPoint> crash_at{};  ///< host 0's first agent dies there
  bool unhealthy0 = false;               ///< host 0's v2 fails its health check
  bool backup_fails0 = false;            ///< host 0's backups fail: it aborts
  FaultKind fault = FaultKind::kRandom;
};

/// What the runs reached, so a change that stops them from reaching a kind
/// of fault fails instead of passing without trying.
struct Tally {
  int runs = 0, committed = 0, rollbacks = 0, kills = 0, power_cuts = 0, etcd_outages = 0,
      hangs = 0, crash_hooks = 0, halted_waiters = 0, hung_then_committed = 0, orphans = 0,
      restarts_with_key = 0;
};

/// One run of the fleet model (tests/shell/fleet_model_test.cc): the hosts,
/// the dice that interleave their events and inject faults, and the checks
/// of docs/fleet.md's guarantees after every event. A broken promise is
/// reported with ADD_FAILURE, the seed and the event trace. Main thread only.
class Model {
 public:
  /// A fresh group: kHosts worlds over one FakeEtcd, counting into `tally`.
  Model(RunSpec spec, Tally& tally);

  /// Starts every agent, begins every upgrade, drives the run to its end
  /// (faults in its first 600 events, then healing) and checks the end.
  void Run();

  /// A promise was broken: the failure, seed and trace were reported.
  bool failed() const { return failed_; }
  /// Host 0's crash hook fired (its first agent died at spec.crash_at).
  bool hooked() const { return hosts_[0]->died_; }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<>(0, n - 1)(rng_); }

  std::optional<CrashPoint> RandomCrashPoint();

  /// Runs `fn` on host `i`, turning its agent's death into a restart.
  void Guard(int i, const std::function<void()>& fn);

  /// One event; faults only while `faults`.
  void Next(bool faults);

  void Step();

  void Tick();

  void Inject();

  void Unhang(int i);

  void Heal();

  bool RolledBack(int except) const;

  /// A halt that may block the group for good: a rollback's, or an orphan
  /// mark left by a hung host that did not commit on its return.
  bool HaltJustified() const;

  bool Settled() const;

  static bool TouchesNode(std::optional<UpgradeStep> s);

  std::string Describe(int i) const;

  void Trace(const std::string& event);

  void Fail(const std::string& what);

  size_t Keys(const std::string& key, bool prefix);

  /// Every promise, after `event`.
  void Check(const std::string& event);

  /// Host `i` just left taking-slot for its node.
  void CheckLeaving(int i);

  void CheckKeys(ModelHost& h);

  /// No restart loses a lease: a progress mark without its slot key (an
  /// orphan) is left only by a host that hung.
  void CheckNoOrphans();

  /// The create revision of host `i`'s slot key (its place in the queue);
  /// 0: none.
  int64_t SlotRevision(int i);

  /// A restarted agent finds its slot key again: it keeps its place in the
  /// queue (and its lease) instead of queueing anew.
  void CheckQueuePlaces();

  void CheckEnd();

  RunSpec spec_;
  std::mt19937 rng_;
  FakeClock etcd_clock_;
  FakeEtcd etcd_;
  Tally& tally_;
  std::vector<std::unique_ptr<ModelHost>> hosts_;
  std::vector<Duration> lag_;
  std::vector<std::optional<UpgradeStep>> prev_;
  std::vector<bool> hung_, hung_ever_;  ///< hangs now; hung in this run
  std::vector<std::optional<Timestamp>> commit_at_;
  std::vector<int64_t> queued_at_;  ///< its slot key's create revision when it was restarted
  std::vector<std::string> trace_;
  Timestamp start_{};
  bool canary_ = true;     ///< host 0 is a canary
  bool orphaned_ = false;  ///< an orphan progress mark was seen in this run
  bool etcd_down_ = false, ever_hung_ = false, failed_ = false;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_FLEET_MODEL_H_
