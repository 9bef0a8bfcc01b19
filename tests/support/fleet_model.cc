#include "tests/support/fleet_model.h"

#include <gtest/gtest.h>

#include <sstream>

#include "agent/decide/fleet_keys.h"

namespace nymvisor::testing {

Model::Model(RunSpec spec, Tally& tally)
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

void Model::Run() {
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

std::optional<CrashPoint> Model::RandomCrashPoint() {
  if (spec_.fault != FaultKind::kRandom || !Chance(0.5)) return std::nullopt;
  auto table = StepTable();
  return CrashPoint{table[Pick(static_cast<int>(table.size()))].step, Chance(0.5)};
}

void Model::Guard(int i, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const AgentDied&) {
    tally_.crash_hooks++;
    Trace(hosts_[i]->name_ + " died in a crash hook");
    Guard(i, [&] { hosts_[i]->Die(Chance(0.3)); });
  }
}

void Model::Next(bool faults) {
  if (faults && Chance(0.06)) {
    Inject();
  } else if (!faults) {
    Heal();
    Step();
  } else {
    Step();
  }
}

void Model::Step() {
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

void Model::Tick() {
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

void Model::Inject() {
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

void Model::Unhang(int i) {
  hung_[i] = false;
  Duration lag = lag_[i];
  lag_[i] = Duration{};
  Guard(i, [&] { hosts_[i]->Tick(lag); });
  Check(hosts_[i]->name_ + " wakes up");
}

void Model::Heal() {
  if (etcd_down_) {
    etcd_down_ = false;
    etcd_.SetDown(false);
    Check("etcd comes back");
  }
  for (int i = 0; i < kHosts; ++i) {
    if (hung_[i]) Unhang(i);
  }
}

bool Model::RolledBack(int except) const {
  for (int i = 0; i < kHosts; ++i) {
    if (i != except && hosts_[i]->finished_ && hosts_[i]->finished_->rolled_back) return true;
  }
  return false;
}

bool Model::HaltJustified() const {
  if (RolledBack(-1)) return true;
  for (int i = 0; i < kHosts; ++i) {
    const ModelHost& h = *hosts_[i];
    if (hung_ever_[i] && !(h.finished_ && h.committed_)) return true;
  }
  return false;
}

bool Model::Settled() const {
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

bool Model::TouchesNode(std::optional<UpgradeStep> s) {
  return s && *s != UpgradeStep::kTakingSlot && *s != UpgradeStep::kReleasingSlot &&
         *s != UpgradeStep::kHalting;
}

std::string Model::Describe(int i) const {
  std::optional<UpgradeStep> s = hosts_[i]->step();
  return std::string(s ? StepName(*s) : "idle") + (hosts_[i]->NodeActive() ? ", up" : ", down");
}

void Model::Trace(const std::string& event) {
  std::ostringstream line;
  auto t = std::chrono::duration_cast<std::chrono::seconds>(etcd_clock_.Now() - start_);
  line << "t+" << t.count() << "s " << event << " ->";
  for (int i = 0; i < kHosts; ++i) line << " " << hosts_[i]->name_ << "[" << Describe(i) << "]";
  trace_.push_back(line.str());
}

void Model::Fail(const std::string& what) {
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

size_t Model::Keys(const std::string& key, bool prefix) {
  Result<EtcdRangeResult> r =
      etcd_.Range({.key = key, .range_end = prefix ? EtcdPrefixEnd(key) : ""});
  return r.ok() ? r->kvs.size() : 0;
}

void Model::Check(const std::string& event) {
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

void Model::CheckLeaving(int i) {
  if (RolledBack(i)) Fail(hosts_[i]->name_ + " upgrades to a version rolled back elsewhere");
  if (!canary_ || i == 0) return;  // no canary, or the canary itself
  if (!commit_at_[0]) return Fail(hosts_[i]->name_ + " went before the canary committed");
  if (hosts_[i]->Now() < *commit_at_[0] + kSoak) {
    Fail(hosts_[i]->name_ + " went before the canary's soak passed");
  }
}

void Model::CheckKeys(ModelHost& h) {
  Result<FleetKeys> keys = FleetKeys::For("g");
  if (Keys(keys->Slot(h.fleet_settings_.holder), false) != 1) {
    Fail(h.name_ + "'s slot key is gone while its upgrade touches the node");
  }
  if (Keys(keys->Progress(h.fleet_settings_.holder), false) != 1) {
    Fail(h.name_ + "'s progress mark is missing while its upgrade touches the node");
  }
}

void Model::CheckNoOrphans() {
  Result<FleetKeys> keys = FleetKeys::For("g");
  for (int i = 0; i < kHosts; ++i) {
    const std::string& holder = hosts_[i]->fleet_settings_.holder;
    if (Keys(keys->Progress(holder), false) == 0 || Keys(keys->Slot(holder), false) == 1) continue;
    if (!hung_ever_[i]) Fail(hosts_[i]->name_ + "'s lease was lost without a hang");
    if (!orphaned_) tally_.orphans++;
    orphaned_ = true;
  }
}

int64_t Model::SlotRevision(int i) {
  Result<EtcdRangeResult> r =
      etcd_.Range({.key = FleetKeys::For("g")->Slot(hosts_[i]->fleet_settings_.holder)});
  return r.ok() && !r->kvs.empty() ? r->kvs[0].create_revision : 0;
}

void Model::CheckQueuePlaces() {
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

void Model::CheckEnd() {
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
    if (Keys(keys->Slot(h.fleet_settings_.holder), false) != 0) Fail(h.name_ + " keeps its slot");
    bool done = Keys(keys->Done("1.2.0", h.fleet_settings_.holder), false) == 1;
    if (done != h.committed_) {
      Fail(h.name_ +
           (done ? " has a done mark without a commit" : " committed without a done mark"));
    }
  }
  if (RolledBack(-1) && Keys(keys->Halt("1.2.0"), false) != 1) Fail("a rollback left no halt");
  tally_.runs++;
}

}  // namespace nymvisor::testing
