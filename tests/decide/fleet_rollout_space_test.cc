// DecideFleet over the whole space of small groups: three other hosts in
// every state, this host in every state, one to three slots, canaries and
// halts. Instead of expected values per case, every decision must keep the
// rules of docs/fleet.md; then a rollout is simulated host by host.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "agent/decide/fleet_rollout.h"
#include "agent/decide/fleet_view.h"
#include "agent/decide/fleet_writes.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = Timestamp(std::chrono::seconds(1'800'000'000));
const std::string kV = "2.0.0";
const std::string kMe = "me@m";

enum class Other { kNone, kSlot, kSlotAndMark, kOrphanMark };
enum class Mine { kNone, kSlot, kSlotOtherVersion, kSlotAndMark, kOrphanMark };
enum class Canaries { kNone, kMissing, kDoneSoaked, kDoneSoaking };
enum class Halts { kNone, kRollbackTarget, kRollbackOther, kExpiredOther };

struct Point {
  Other others[3];
  Mine mine;
  bool same_lease;
  int64_t my_revision;
  uint64_t max_unavailable;
  Canaries canaries;
  bool self_canary;
  Halts halts;
};

FleetView ViewOf(const Point& p) {
  FleetView v;
  for (int i = 0; i < 3; ++i) {
    std::string h = "h" + std::to_string(i) + "@m";
    if (p.others[i] == Other::kSlot || p.others[i] == Other::kSlotAndMark) {
      v.slots.push_back({.holder = h, .create_revision = i + 1, .lease = "L" + h, .version = kV});
    }
    if (p.others[i] == Other::kSlotAndMark || p.others[i] == Other::kOrphanMark) {
      v.progress.push_back({.holder = h, .version = kV, .since = kT0});
    }
  }
  if (p.mine == Mine::kSlot || p.mine == Mine::kSlotAndMark || p.mine == Mine::kSlotOtherVersion) {
    v.slots.push_back({.holder = kMe,
                       .create_revision = p.my_revision,
                       .lease = "Lme",
                       .version = p.mine == Mine::kSlotOtherVersion ? "1.0.0" : kV});
  }
  if (p.mine == Mine::kSlotAndMark || p.mine == Mine::kOrphanMark) {
    v.progress.push_back({.holder = kMe, .version = kV, .since = kT0});
  }
  if (p.canaries != Canaries::kNone) v.canaries = {"c@m"};
  if (p.canaries == Canaries::kDoneSoaked) v.done.push_back({kV, "c@m", true, kT0});
  if (p.canaries == Canaries::kDoneSoaking) v.done.push_back({kV, "c@m", true, kT0 + 50min});
  if (p.halts == Halts::kRollbackTarget) v.halts.push_back({.version = kV, .holder = "x@m"});
  if (p.halts == Halts::kRollbackOther) v.halts.push_back({.version = "1.0.0", .holder = "x@m"});
  if (p.halts == Halts::kExpiredOther) {
    v.halts.push_back(
        {.version = "1.0.0", .cause = FleetHaltCause::kLeaseExpired, .holder = "x@m"});
  }
  return v;
}

FleetSelf SelfOf(const Point& p) {
  return FleetSelf{.holder = kMe,
                   .canary = p.self_canary,
                   .lease = p.same_lease ? "Lme" : "",
                   .max_unavailable = p.max_unavailable,
                   .soak = 30min,
                   .target_version = kV,
                   .now = kT0 + 1h};
}

/// Every rule a decision must keep, as a failure message or "".
std::string Broken(const Point& p, const FleetView& v, const FleetSelf& self,
                   const FleetDecision& d) {
  bool own_mark = p.mine == Mine::kSlotAndMark || p.mine == Mine::kOrphanMark;
  bool has_key =
      p.mine == Mine::kSlot || p.mine == Mine::kSlotAndMark || p.mine == Mine::kSlotOtherVersion;
  bool orphans = std::any_of(std::begin(p.others), std::end(p.others),
                             [](Other o) { return o == Other::kOrphanMark; });
  bool blocked = HaltBlocking(v, kV).has_value();
  bool new_stop = d.action == FleetAction::kProceed && d.write_progress;
  bool starts = new_stop || d.action == FleetAction::kTakeSlot;
  if (own_mark) {
    // An upgrade under way is never interrupted by the fleet.
    if (d.action != FleetAction::kProceed && d.action != FleetAction::kAlreadyHolding) {
      return "own upgrade interrupted";
    }
    return d.write_progress ? "mark written twice" : "";
  }
  if (starts && blocked) return "starts although halted";
  if (starts && orphans) return "starts although a slot was lost mid-upgrade";
  if (d.action == FleetAction::kHalted && !blocked) return "halted without a halt";
  if (d.action == FleetAction::kHalted &&
      d.write_halt == std::any_of(v.halts.begin(), v.halts.end(), [&](const FleetHalt& h) {
        return h.version == d.halt->version;
      })) {
    return "write_halt wrong";
  }
  if (d.withdraw && !has_key) return "withdraws nothing";
  if (d.action == FleetAction::kTakeSlot && has_key && !d.withdraw) return "second key";
  if (d.action == FleetAction::kAlreadyHolding && (!has_key || p.same_lease)) {
    return "adopts without cause";
  }
  if (new_stop) {
    std::vector<FleetSlot> ranked = RankedSlots(v, self.max_unavailable);
    if (std::none_of(ranked.begin(), ranked.end(),
                     [](const FleetSlot& s) { return s.holder == kMe; })) {
      return "stops without a ranked slot";
    }
  }
  bool canaries_ok = p.canaries == Canaries::kNone || p.canaries == Canaries::kDoneSoaked;
  if (d.action == FleetAction::kTakeSlot && !p.self_canary && !canaries_ok) {
    return "asks before the canaries and the soak";
  }
  if (d.action == FleetAction::kWaitForSlot && !has_key) return "waits in no queue";
  return "";
}

TEST(FleetRolloutSpace, EveryDecisionKeepsTheRules) {
  const Other others[] = {Other::kNone, Other::kSlot, Other::kSlotAndMark, Other::kOrphanMark};
  const Mine mines[] = {Mine::kNone, Mine::kSlot, Mine::kSlotOtherVersion, Mine::kSlotAndMark,
                        Mine::kOrphanMark};
  const Canaries canaries[] = {Canaries::kNone, Canaries::kMissing, Canaries::kDoneSoaked,
                               Canaries::kDoneSoaking};
  const Halts halts[] = {Halts::kNone, Halts::kRollbackTarget, Halts::kRollbackOther,
                         Halts::kExpiredOther};
  int points = 0, failures = 0;
  std::map<FleetAction, int> seen;
  for (Other a : others)
    for (Other b : others)
      for (Other c : others)
        for (Mine mine : mines)
          for (bool same_lease : {true, false})
            for (int64_t rev : {0, 10})
              for (uint64_t n : {1u, 2u, 3u})
                for (Canaries can : canaries)
                  for (bool self_canary : {false, true})
                    for (Halts halt : halts) {
                      Point p{{a, b, c}, mine, same_lease, rev, n, can, self_canary, halt};
                      FleetView v = ViewOf(p);
                      FleetSelf self = SelfOf(p);
                      FleetDecision d = DecideFleet(v, self);
                      ++points;
                      ++seen[d.action];
                      std::string broken = Broken(p, v, self, d);
                      if (!broken.empty() && ++failures <= 10) {
                        ADD_FAILURE() << broken << ": " << DescribeFleetDecision(d);
                      }
                    }
  EXPECT_EQ(points, 64 * 5 * 2 * 2 * 3 * 4 * 2 * 4);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(seen.size(), 7u) << "every action is reached somewhere";
}

/// A group of hosts that run the decisions in turn against one simulated
/// etcd; `down` counts the hosts between their progress mark and giving
/// the slot back.
class Group {
 public:
  Group(int hosts, uint64_t max_unavailable, std::vector<int> canaries)
      : max_(max_unavailable), keys_(*FleetKeys::For("g")) {
    for (int i = 0; i < hosts; ++i) {
      hosts_.push_back({.name = "h" + std::to_string(i) + "@m",
                        .canary = std::count(canaries.begin(), canaries.end(), i) > 0});
    }
  }

  /// One turn of host `i`; returns false once it has nothing left to do.
  bool Turn(size_t i, Timestamp now) {
    Host& h = hosts_[i];
    if (h.done || h.dead) return false;
    FleetView view = BuildFleetView(keys_, ++revision_, kvs_);
    FleetWriter w{.holder = h.name, .version = kV, .canary = h.canary, .now = now};
    Apply(CanaryRegistrationWrites(keys_, view, w), "", now);
    if (h.stopped) {  // the health gate passed: commit and give back
      Apply(CommitWrites(keys_, w, view), "", now);
      h.stopped = false;
      h.done = true;
      --down_;
      return true;
    }
    FleetSelf self{.holder = h.name,
                   .canary = h.canary,
                   .lease = h.lease,
                   .max_unavailable = max_,
                   .soak = 10min,
                   .target_version = kV,
                   .now = now};
    FleetDecision d = DecideFleet(view, self);
    if (d.write_halt) Apply(ImpliedHaltWrites(keys_, *d.halt), "", now);
    if (d.withdraw) Apply({{.op = FleetWrite::Op::kDelete, .key = keys_.Slot(h.name)}}, "", now);
    if (d.action == FleetAction::kTakeSlot) {
      h.lease = "L" + h.name;
      Apply(TakeSlotWrites(keys_, w), h.lease, now);
    } else if (d.action == FleetAction::kProceed && d.write_progress) {
      Apply(ProgressWrites(keys_, w), "", now);
      h.stopped = true;
      max_down_ = std::max(max_down_, ++down_);
    }
    return true;
  }

  int max_down() const { return max_down_; }
  int done() const {
    return static_cast<int>(
        std::count_if(hosts_.begin(), hosts_.end(), [](const Host& h) { return h.done; }));
  }
  /// SIGKILL: the agent stops keeping its lease, which expires.
  void Kill(size_t i) {
    hosts_[i].dead = true;
    std::erase_if(kvs_, [&](const FleetKv& kv) { return kv.key == keys_.Slot(hosts_[i].name); });
  }
  /// The agent starts again, without the lease it had.
  void Revive(size_t i) {
    hosts_[i].dead = false;
    hosts_[i].lease.clear();
  }
  bool stopped(size_t i) const { return hosts_[i].stopped; }
  bool halted() const {
    return std::any_of(kvs_.begin(), kvs_.end(), [](const FleetKv& kv) {
      return kv.key.find("/halt/") != std::string::npos;
    });
  }

  /// Every canary registers, as its agent does when it starts.
  void RegisterCanaries(Timestamp now) {
    for (const Host& h : hosts_) {
      FleetView view = BuildFleetView(keys_, ++revision_, kvs_);
      FleetWriter w{.holder = h.name, .version = kV, .canary = h.canary, .now = now};
      Apply(CanaryRegistrationWrites(keys_, view, w), "", now);
    }
  }

  /// The progress marks written, in order, with when.
  std::vector<std::pair<std::string, Timestamp>> order;

 private:
  struct Host {
    std::string name;
    bool canary = false;
    std::string lease{};
    bool stopped = false;
    bool done = false;
    bool dead = false;
  };

  void Apply(const std::vector<FleetWrite>& writes, const std::string& lease, Timestamp now) {
    for (const FleetWrite& w : writes) {
      bool existed = std::erase_if(kvs_, [&](const FleetKv& kv) { return kv.key == w.key; }) > 0;
      if (w.op == FleetWrite::Op::kDelete) continue;
      if (w.op == FleetWrite::Op::kPutWithLease && existed) continue;
      kvs_.push_back({w.key, w.value, ++revision_, lease});
      if (w.key.find("/progress/") != std::string::npos) order.emplace_back(w.key, now);
    }
  }

  uint64_t max_;
  FleetKeys keys_;
  std::vector<Host> hosts_;
  std::vector<FleetKv> kvs_;
  int64_t revision_ = 0;
  int down_ = 0;
  int max_down_ = 0;
};

TEST(FleetRolloutSpace, ARolloutNeverHasMoreHostsDownThanSlots) {
  for (int hosts : {3, 5}) {
    for (uint64_t n : {1u, 2u}) {
      Group group(hosts, n, {});
      Timestamp now = kT0;
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < static_cast<size_t>(hosts); ++i) {
          // Different orders each round, so hosts interleave differently.
          group.Turn((i * 7 + round) % hosts, now);
        }
        now += 1min;
      }
      EXPECT_EQ(group.done(), hosts) << hosts << " hosts, " << n << " slots";
      EXPECT_EQ(group.max_down(), static_cast<int>(std::min<uint64_t>(n, hosts)))
          << hosts << " hosts, " << n << " slots";
    }
  }
}

TEST(FleetRolloutSpace, CanariesGoFirstAndTheRestWaitOutTheSoak) {
  Group group(4, 2, {2});
  Timestamp now = kT0;
  group.RegisterCanaries(now);
  for (int round = 0; round < 60; ++round) {
    for (size_t i = 0; i < 4; ++i) group.Turn(i, now);
    now += 1min;
  }
  EXPECT_EQ(group.done(), 4);
  ASSERT_FALSE(group.order.empty());
  ASSERT_EQ(group.order.size(), 4u);
  EXPECT_NE(group.order[0].first.find("/h2@m"), std::string::npos) << group.order[0].first;
  // The canary asks, stops a minute later, commits a minute after that;
  // the soak is 10 min.
  EXPECT_EQ(group.order[0].second, kT0 + 1min);
  for (size_t i = 1; i < 4; ++i) EXPECT_GE(group.order[i].second, kT0 + 12min) << i;
}

TEST(FleetRolloutSpace, AHolderKilledMidUpgradeHaltsTheGroupUntilItReturns) {
  Group group(3, 1, {});
  Timestamp now = kT0;
  while (!group.stopped(0)) group.Turn(0, now);  // h0 takes the slot and stops its node
  group.Kill(0);
  for (int round = 0; round < 10; ++round) {
    for (size_t i = 1; i < 3; ++i) group.Turn(i, now);
    now += 1min;
  }
  EXPECT_TRUE(group.halted());
  EXPECT_EQ(group.order.size(), 1u) << "nobody else stopped";
  EXPECT_EQ(group.max_down(), 1);
  group.Revive(0);
  for (int round = 0; round < 20; ++round) {
    for (size_t i = 0; i < 3; ++i) group.Turn(i, now);
    now += 1min;
  }
  EXPECT_FALSE(group.halted());
  EXPECT_EQ(group.done(), 3);
  EXPECT_EQ(group.max_down(), 1);
}

}  // namespace
}  // namespace nymvisor
