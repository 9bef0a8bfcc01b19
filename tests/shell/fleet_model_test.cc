// The fleet's model test: 3 hosts, each an agent with its own fakes (an
// UpgradeWorld: fake systemd, host, clock, scheduler, worker), over ONE
// shared FakeEtcd, driven by a seeded scheduler that interleaves their
// events and injects faults: agent deaths and power cuts at any point and
// at every step of StepTable() (crash hooks), etcd unreachable for a
// while, a hung agent whose lease expires, a host whose v2 fails its health
// check. After every event the promises of docs/fleet.md ("What is
// guaranteed") are checked against the fakes' truth:
//  - at most max_unavailable hosts are past taking-slot with the slot's
//    effects in flight, and at most that many nodes are down for it;
//  - once a host rolled v2 back, no other host starts upgrading to it;
//  - while a host's upgrade touches its node, its slot and progress keys
//    are in etcd (given back only after the commit or failure was recorded),
//    unless its lease was let expire (then the orphan mark halts the group);
//  - an agent restart never loses the lease (no orphan mark without a hang);
//  - a non-canary leaves taking-slot only after the canary committed and
//    the soak passed.
// At the end every host finished, or waits in taking-slot behind a rollback's
// halt, and no slot is held. A failure prints the seed and the event trace;
// NYMVISOR_MODEL_SEED=<n> runs only that seed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "agent/decide/fleet_keys.h"
#include "tests/support/fleet_model_host.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::AgentDied;
using testing::FakeEtcd;
using testing::ModelHost;

constexpr int kHosts = 3;
constexpr Duration kTick = 10s;
constexpr Duration kSoak = 60s;

/// A fault forced on host 0 for the systematic part; kRandom leaves it to the dice.
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

class Model {
 public:
  Model(RunSpec spec, Tally& tally)
      : spec_(spec), rng_(spec.seed), etcd_clock_(Timestamp{}), etcd_(etcd_clock_), tally_(tally) {
    bool random = spec.fault == FaultKind::kRandom;
    // Random runs: any host may be the unhealthy one, and there may be no
    // canary (a canary's failure holds the others back, which would hide a
    // missing halt).
    int unhealthy = random ? (Chance(0.3) ? Pick(kHosts) : -1) : (spec.unhealthy0 ? 0 : -1);
    canary_ = !random || Chance(0.6);
    for (int i = 0; i < kHosts; ++i) {
      FleetSettings s{
          .max_unavailable = spec.max_unavailable, .canary = canary_ && i == 0, .soak = kSoak};
      hosts_.push_back(
          std::make_unique<ModelHost>(etcd_, i, s, i == unhealthy, i == 0 && spec.backup_fails0));
    }
    etcd_clock_.Set(hosts_[0]->Now());
    start_ = etcd_clock_.Now();
    lag_.assign(kHosts, Duration{});
    prev_.assign(kHosts, std::nullopt);
    hung_.assign(kHosts, false);
    hung_ever_.assign(kHosts, false);
    commit_at_.assign(kHosts, std::nullopt);
    queued_at_.assign(kHosts, 0);
  }

  void Run() {
    for (int i = 0; i < kHosts; ++i) {
      std::optional<CrashPoint> at = i == 0 ? spec_.crash_at : RandomCrashPoint();
      Guard(i, [&] { hosts_[i]->NewAgent(at, false); });
    }
    // Every agent registers (the canary its canary key) before anyone asks.
    for (int i = 0; i < kHosts; ++i) Guard(i, [&] { hosts_[i]->RunFleetLane(); });
    for (int i = 0; i < kHosts; ++i) Guard(i, [&] { hosts_[i]->Begin(); });
    Check("begin");
    for (int n = 0; n < 1500 && !failed_ && !Settled(); ++n) Next(n < 600);
    if (!failed_) CheckEnd();
  }

  bool failed() const { return failed_; }
  /// Host 0's crash hook fired (its first agent died at spec.crash_at).
  bool hooked() const { return hosts_[0]->died_; }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<>(0, n - 1)(rng_); }

  std::optional<CrashPoint> RandomCrashPoint() {
    if (spec_.fault != FaultKind::kRandom || !Chance(0.5)) return std::nullopt;
    auto table = StepTable();
    return CrashPoint{table[Pick(static_cast<int>(table.size()))].step, Chance(0.5)};
  }

  /// Runs `fn` on host `i`, turning its agent's death into a restart.
  void Guard(int i, const std::function<void()>& fn) {
    try {
      fn();
    } catch (const AgentDied&) {
      tally_.crash_hooks++;
      Trace(hosts_[i]->name_ + " died in a crash hook");
      Guard(i, [&] { hosts_[i]->Die(Chance(0.3)); });
    }
  }

  /// One event; faults only while `faults`.
  void Next(bool faults) {
    if (faults && Chance(0.06)) {
      Inject();
    } else if (!faults) {
      Heal();
      Step();
    } else {
      Step();
    }
  }

  void Step() {
    std::vector<int> busy;
    for (int i = 0; i < kHosts; ++i) {
      if (!hung_[i] && hosts_[i]->Busy()) busy.push_back(i);
    }
    if (!busy.empty() && Chance(0.8)) {
      int i = busy[Pick(static_cast<int>(busy.size()))];
      std::string before = Describe(i);
      std::vector<ModelHost::Action> can = hosts_[i]->Actions();
      ModelHost::Action action = can[Pick(static_cast<int>(can.size()))];
      Guard(i, [&] { hosts_[i]->Act(action); });
      Check(hosts_[i]->name_ + " acts (" + before + ")");
    } else {
      Tick();
    }
  }

  void Tick() {
    for (int i = 0; i < kHosts; ++i) {
      if (!hung_[i]) Guard(i, [&] { hosts_[i]->RunFleetLane(); });
    }
    etcd_clock_.Advance(kTick);
    for (int i = 0; i < kHosts; ++i) {
      if (hung_[i]) {
        lag_[i] += kTick;
        continue;
      }
      Guard(i, [&] { hosts_[i]->Tick(kTick); });
    }
    Check("10 s pass");
  }

  void Inject() {
    FaultKind kind = spec_.fault;
    if (kind == FaultKind::kRandom) {
      kind = static_cast<FaultKind>(2 + Pick(3));
      if (Chance(0.3)) kind = FaultKind::kNone;  // a plain kill
    }
    int i = kind == FaultKind::kNone || spec_.fault == FaultKind::kRandom ? Pick(kHosts) : 0;
    if (kind == FaultKind::kEtcdDown) {
      tally_.etcd_outages++;
      etcd_down_ = !etcd_down_;
      etcd_.SetDown(etcd_down_);
      Check(etcd_down_ ? "etcd goes down" : "etcd comes back");
    } else if (kind == FaultKind::kLeaseExpiry) {
      if (hung_[i]) return Unhang(i);
      tally_.hangs++;
      hung_[i] = true;
      hung_ever_[i] = true;
      ever_hung_ = true;
      Check(hosts_[i]->name_ + " hangs");
    } else if (!hung_[i]) {
      bool power = kind == FaultKind::kPowerCut;
      (power ? tally_.power_cuts : tally_.kills)++;
      queued_at_[i] = SlotRevision(i);
      if (queued_at_[i] != 0) tally_.restarts_with_key++;
      Guard(i, [&] { hosts_[i]->Die(power); });
      Check(hosts_[i]->name_ + (power ? " loses power" : " is killed"));
    }
  }

  void Unhang(int i) {
    hung_[i] = false;
    Duration lag = lag_[i];
    lag_[i] = Duration{};
    Guard(i, [&] { hosts_[i]->Tick(lag); });
    Check(hosts_[i]->name_ + " wakes up");
  }

  void Heal() {
    if (etcd_down_) {
      etcd_down_ = false;
      etcd_.SetDown(false);
      Check("etcd comes back");
    }
    for (int i = 0; i < kHosts; ++i) {
      if (hung_[i]) Unhang(i);
    }
  }

  bool RolledBack(int except) const {
    for (int i = 0; i < kHosts; ++i) {
      if (i != except && hosts_[i]->finished_ && hosts_[i]->finished_->rolled_back) return true;
    }
    return false;
  }

  /// A halt that may block the group for good: a rollback's, or an orphan
  /// mark left by a hung host that did not commit on its return.
  bool HaltJustified() const {
    if (RolledBack(-1)) return true;
    for (int i = 0; i < kHosts; ++i) {
      const ModelHost& h = *hosts_[i];
      if (hung_ever_[i] && !(h.finished_ && h.committed_)) return true;
    }
    return false;
  }

  bool Settled() const {
    for (int i = 0; i < kHosts; ++i) {
      const ModelHost& h = *hosts_[i];
      bool halted = h.fleet_ && h.fleet_->Report().waiting_for == "fleet-halt";
      // A canary that gave v2 up (an abort, a failure before the switch)
      // never commits it: the others wait for it until an operator acts.
      bool canary_gave_up = canary_ && hosts_[0]->finished_ && !hosts_[0]->committed_ && h.fleet_ &&
                            h.fleet_->Report().waiting_for == "canaries";
      bool waits =
          h.step() == UpgradeStep::kTakingSlot && ((halted && HaltJustified()) || canary_gave_up);
      if (hung_[i] || !(h.finished_ || waits) || h.Busy()) return false;
    }
    return !etcd_down_;
  }

  static bool TouchesNode(std::optional<UpgradeStep> s) {
    return s && *s != UpgradeStep::kTakingSlot && *s != UpgradeStep::kReleasingSlot &&
           *s != UpgradeStep::kHalting;
  }

  std::string Describe(int i) const {
    std::optional<UpgradeStep> s = hosts_[i]->step();
    return std::string(s ? StepName(*s) : "idle") + (hosts_[i]->NodeActive() ? ", up" : ", down");
  }

  void Trace(const std::string& event) {
    std::ostringstream line;
    auto t = std::chrono::duration_cast<std::chrono::seconds>(etcd_clock_.Now() - start_);
    line << "t+" << t.count() << "s " << event << " ->";
    for (int i = 0; i < kHosts; ++i) line << " " << hosts_[i]->name_ << "[" << Describe(i) << "]";
    trace_.push_back(line.str());
  }

  void Fail(const std::string& what) {
    if (failed_) return;
    failed_ = true;
    std::ostringstream out;
    out << "seed " << spec_.seed << ": " << what << "\n";
    Result<EtcdRangeResult> all =
        etcd_.Range({.key = FleetKeys::For("g")->Prefix(),
                     .range_end = EtcdPrefixEnd(FleetKeys::For("g")->Prefix())});
    for (const EtcdKeyValue& kv : all.ok() ? all->kvs : std::vector<EtcdKeyValue>{}) {
      out << "  etcd " << kv.key << " = " << kv.value << "\n";
    }
    for (int i = 0; i < kHosts; ++i) {
      const ModelHost& h = *hosts_[i];
      out << "  " << h.name_ << " finished=" << h.finished_.has_value()
          << " committed=" << h.committed_ << " waits for "
          << (h.fleet_ ? h.fleet_->Report().waiting_for : std::string("?")) << "\n";
    }
    for (const std::string& line : trace_) out << "  " << line << "\n";
    ADD_FAILURE() << out.str();
  }

  size_t Keys(const std::string& key, bool prefix) {
    Result<EtcdRangeResult> r =
        etcd_.Range({.key = key, .range_end = prefix ? EtcdPrefixEnd(key) : ""});
    return r.ok() ? r->kvs.size() : 0;
  }

  /// Every promise, after `event`.
  void Check(const std::string& event) {
    Trace(event);
    int touching = 0, down = 0;
    for (int i = 0; i < kHosts; ++i) {
      ModelHost& h = *hosts_[i];
      std::optional<UpgradeStep> s = h.step();
      if (TouchesNode(s)) touching++;
      if (TouchesNode(s) && !h.NodeActive()) down++;
      if (h.finished_ && h.committed_ && !commit_at_[i]) commit_at_[i] = h.CommittedAt();
      bool left = prev_[i] == UpgradeStep::kTakingSlot && TouchesNode(s);
      if (left) CheckLeaving(i);
      if (TouchesNode(s) && !etcd_down_ && !hung_ever_[i]) CheckKeys(h);
      prev_[i] = s;
    }
    if (touching > static_cast<int>(spec_.max_unavailable)) Fail("too many hosts hold slots");
    if (down > static_cast<int>(spec_.max_unavailable)) Fail("too many nodes down at once");
    if (!etcd_down_) CheckNoOrphans();
    if (!etcd_down_) CheckQueuePlaces();
  }

  /// Host `i` just left taking-slot for its node.
  void CheckLeaving(int i) {
    if (RolledBack(i)) Fail(hosts_[i]->name_ + " upgrades to a version rolled back elsewhere");
    if (!canary_ || i == 0) return;  // no canary, or the canary itself
    if (!commit_at_[0]) return Fail(hosts_[i]->name_ + " went before the canary committed");
    if (hosts_[i]->Now() < *commit_at_[0] + kSoak) {
      Fail(hosts_[i]->name_ + " went before the canary's soak passed");
    }
  }

  void CheckKeys(ModelHost& h) {
    Result<FleetKeys> keys = FleetKeys::For("g");
    if (Keys(keys->Slot(h.settings_.holder), false) != 1) {
      Fail(h.name_ + "'s slot key is gone while its upgrade touches the node");
    }
    if (Keys(keys->Progress(h.settings_.holder), false) != 1) {
      Fail(h.name_ + "'s progress mark is missing while its upgrade touches the node");
    }
  }

  /// No restart loses a lease: a progress mark without its slot key (an
  /// orphan) is left only by a host that hung.
  void CheckNoOrphans() {
    Result<FleetKeys> keys = FleetKeys::For("g");
    for (int i = 0; i < kHosts; ++i) {
      const std::string& holder = hosts_[i]->settings_.holder;
      if (Keys(keys->Progress(holder), false) == 0 || Keys(keys->Slot(holder), false) == 1)
        continue;
      if (!hung_ever_[i]) Fail(hosts_[i]->name_ + "'s lease was lost without a hang");
      if (!orphaned_) tally_.orphans++;
      orphaned_ = true;
    }
  }

  /// The create revision of host `i`'s slot key (its place in the queue);
  /// 0: none.
  int64_t SlotRevision(int i) {
    Result<EtcdRangeResult> r =
        etcd_.Range({.key = FleetKeys::For("g")->Slot(hosts_[i]->settings_.holder)});
    return r.ok() && !r->kvs.empty() ? r->kvs[0].create_revision : 0;
  }

  /// A restarted agent finds its slot key again: it keeps its place in the
  /// queue (and its lease) instead of queueing anew.
  void CheckQueuePlaces() {
    for (int i = 0; i < kHosts; ++i) {
      if (queued_at_[i] == 0) continue;
      int64_t now = SlotRevision(i);
      if (now == 0 || hung_ever_[i]) {
        queued_at_[i] = 0;
      } else if (now != queued_at_[i]) {
        Fail(hosts_[i]->name_ + " queued anew after a restart");
      }
    }
  }

  void CheckEnd() {
    if (!Settled()) return Fail("the hosts did not settle");
    Result<FleetKeys> keys = FleetKeys::For("g");
    if (Keys(keys->ProgressPrefix(), true) != 0) Fail("a progress mark is left");
    for (int i = 0; i < kHosts; ++i) {
      ModelHost& h = *hosts_[i];
      if (!h.finished_) {
        tally_.halted_waiters++;
        continue;
      }
      (h.finished_->rolled_back ? tally_.rollbacks : tally_.committed)++;
      if (hung_ever_[i] && h.committed_) tally_.hung_then_committed++;
      if (h.SlotFileExists()) Fail(h.name_ + " keeps fleet-slot.json after its upgrade");
      if (Keys(keys->Slot(h.settings_.holder), false) != 0) Fail(h.name_ + " keeps its slot");
    }
    tally_.runs++;
  }

  RunSpec spec_;
  std::mt19937 rng_;
  testing::FakeClock etcd_clock_;
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

TEST(FleetModelTest, RandomSchedulesKeepEveryPromise) {
  Tally tally;
  uint32_t from = 1, to = 200;
  if (const char* only = std::getenv("NYMVISOR_MODEL_SEED")) from = to = std::atoi(only);
  for (uint32_t seed = from; seed <= to; ++seed) {
    Model model(RunSpec{.seed = seed, .max_unavailable = 1 + seed % 2}, tally);
    model.Run();
    if (model.failed()) break;
  }
  if (from != to) {
    EXPECT_GT(tally.committed, 100);
    EXPECT_GT(tally.rollbacks, 10);
    EXPECT_GT(tally.halted_waiters, 10);
    EXPECT_GT(tally.kills + tally.power_cuts + tally.crash_hooks, 100);
    EXPECT_GT(tally.etcd_outages, 20);
    EXPECT_GT(tally.hangs, 20);
    EXPECT_GT(tally.hung_then_committed, 10) << "a hung holder came back and cleared its halt";
    EXPECT_GT(tally.restarts_with_key, 100) << "restarts of an agent whose slot key is in etcd";
    EXPECT_GT(tally.orphans, 10) << "runs where a hung holder's lease expired mid-upgrade";
    std::cout << "runs " << tally.runs << ", committed " << tally.committed << ", rolled back "
              << tally.rollbacks << ", left waiting " << tally.halted_waiters << ", kills "
              << tally.kills << ", power cuts " << tally.power_cuts << ", crash hooks "
              << tally.crash_hooks << ", etcd outages " << tally.etcd_outages << ", hangs "
              << tally.hangs << " (" << tally.hung_then_committed
              << " came back and committed), orphan marks " << tally.orphans
              << ", restarts with a slot key " << tally.restarts_with_key << "\n";
  }
}

TEST(FleetModelTest, EveryStepTimesEveryFault) {
  Tally tally;
  uint32_t seed = 1000;
  std::set<std::string> hooked;
  for (const StepSpec& row : StepTable()) {
    for (bool done : {false, true}) {
      std::string point = (done ? "done:" : "enter:") + std::string(row.name);
      for (FaultKind f : {FaultKind::kNone, FaultKind::kPowerCut, FaultKind::kEtcdDown,
                          FaultKind::kLeaseExpiry}) {
        for (int outcome : {0, 1, 2}) {  // v2 healthy, unhealthy, its backup fails
          Model model(RunSpec{.seed = ++seed,
                              .crash_at = CrashPoint{row.step, done},
                              .unhealthy0 = outcome == 1,
                              .backup_fails0 = outcome == 2,
                              .fault = f},
                      tally);
          model.Run();
          ASSERT_FALSE(model.failed()) << "crash at " << point;
          if (model.hooked()) hooked.insert(point);
        }
      }
    }
  }
  // Every step a fleet upgrade of genesis to v2 passes through died at least
  // once; the operator's rollback (restoring-previous) is not on this path.
  for (const StepSpec& row : StepTable()) {
    if (row.step == UpgradeStep::kRestoringPrevious) continue;
    for (const char* when : {"enter:", "done:"}) {
      EXPECT_TRUE(hooked.count(when + std::string(row.name)))
          << "never died at " << when << row.name;
    }
  }
}

TEST(FleetModelTest, WithoutEndpointsNothingChanges) {
  testing::UpgradeWorld world(testing::UpgradePath{.name = "alone"});
  world.NewAgent(std::nullopt, false);
  world.Begin();
  world.DriveToTheEnd(false);
  world.CheckPromises();
  for (UpgradeStep s :
       {UpgradeStep::kTakingSlot, UpgradeStep::kReleasingSlot, UpgradeStep::kHalting}) {
    EXPECT_FALSE(world.visited_.count(s)) << StepName(s);
  }
  EXPECT_EQ(world.etcd_.calls(), 0) << "no etcd call";
}

}  // namespace
}  // namespace nymvisor
