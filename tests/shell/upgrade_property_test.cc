// The property test of the upgrade state machine: seeded random runs (an
// upgrade of genesis to v2, or an operator's rollback of v2 to genesis), each
// a random sequence of step outcomes (jobs that fail, restores that fail
// half way, an unhealthy new version), agent deaths and power cuts at any
// point between two events (and in the middle of a restore), checked
// against the promises of the rollback path:
//  - no node start on data other than the pre-upgrade data or the data the
//    started version made of it;
//  - no restore while the node runs;
//  - the records, the `current` link and the plan agree at the end;
//  - a failed version is never applied again.
// A failing run prints its seed; NYMVISOR_PROPERTY_SEED=<n> runs only it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "tests/support/upgrade_world.h"

namespace nymvisor {
namespace {

using testing::AgentDied;
using testing::UpgradePath;
using testing::UpgradeWorld;

constexpr uint32_t kRuns = 300;
constexpr int kMaxDeaths = 4;

/// What the runs did, so that a change that stops them from reaching a kind
/// of fault fails the test instead of passing it without trying.
struct Tally {
  int committed = 0, undone = 0, node_left_down = 0;
  int reverts = 0, reverts_undone = 0;  ///< operator's rollbacks, and those undone
  int kills = 0, power_cuts = 0, mid_restore_cuts = 0;
};

/// One random run: the world, and the dice that decide what happens.
class RandomRun {
 public:
  RandomRun(uint32_t seed, Tally& tally)
      : rng_(seed),
        world_(UpgradePath{"random", Chance(0.4), Chance(0.15), Chance(0.3)}),
        tally_(tally) {}

  void Run() {
    world_.host_.during_restore = [this] {
      if (deaths_ >= kMaxDeaths || !Chance(0.2)) return;
      tally_.mid_restore_cuts++;
      Die(/*power=*/true);
    };
    world_.NewAgent(std::nullopt, false);
    world_.Begin();
    for (int i = 0; i < 3000 && !world_.finished_; ++i) {
      try {
        Next();
      } catch (const AgentDied&) {
        world_.Die(power_);
      }
    }
    world_.CheckPromises();
    if (!world_.finished_) return;
    (world_.committed_ ? tally_.committed : tally_.undone)++;
    if (world_.path_.revert) {
      tally_.reverts++;
      tally_.reverts_undone += !world_.committed_;
    }
    tally_.node_left_down += world_.finished_->node_down;
  }

 private:
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  [[noreturn]] void Die(bool power) {
    ++deaths_;
    power_ = power;
    (power ? tally_.power_cuts : tally_.kills)++;
    throw AgentDied{};
  }

  void Next() {
    if (deaths_ < kMaxDeaths && Chance(0.04)) Die(Chance(0.5));
    testing::FakeSystemdManager& systemd = world_.systemd_;
    if (!systemd.pending.empty() && Chance(0.1)) return systemd.Finish("failed");
    if (world_.worker_.queued() > 0) {
      world_.host_.fail_restore = Chance(0.2) ? Status::Error("No space left on device") : Status();
    }
    world_.Step();
  }

  std::mt19937 rng_;
  UpgradeWorld world_;
  Tally& tally_;
  int deaths_ = 0;
  bool power_ = false;
};

TEST(UpgradePropertyTest, RandomFaultsNeverBreakAPromise) {
  Tally tally;
  uint32_t first = 0;
  uint32_t runs = kRuns;
  if (const char* seed = std::getenv("NYMVISOR_PROPERTY_SEED")) {
    first = static_cast<uint32_t>(std::strtoul(seed, nullptr, 10));
    runs = 1;
  }
  for (uint32_t seed = first; seed < first + runs; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (NYMVISOR_PROPERTY_SEED=" + std::to_string(seed) + " runs only it)");
    RandomRun(seed, tally).Run();
    if (HasFailure()) return;  // the first failing seed is the one to read
  }
  std::cout << runs << " runs: " << tally.committed << " committed, " << tally.undone
            << " rolled back or aborted (" << tally.node_left_down << " with the node left down); "
            << tally.kills << " agent kills, " << tally.power_cuts << " power cuts ("
            << tally.mid_restore_cuts << " in the middle of a restore); " << tally.reverts
            << " operator's rollbacks (" << tally.reverts_undone << " undone)\n";
  if (runs == 1) return;
  EXPECT_GT(tally.committed, 0);
  EXPECT_GT(tally.undone, 0);
  EXPECT_GT(tally.kills, 0);
  EXPECT_GT(tally.power_cuts, 0);
  EXPECT_GT(tally.mid_restore_cuts, 0);
  EXPECT_GT(tally.reverts, 0);
  EXPECT_GT(tally.reverts_undone, 0);
}

}  // namespace
}  // namespace nymvisor
