#include "agent/shell/worker_lane.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "agent/shell/agent.h"
#include "tests/support/agent_fakes.h"

namespace nymvisor {
namespace {

// The lanes cannot be swapped: neither converts to the other, and a bare
// Worker becomes a lane only when it is named as one.
static_assert(!std::is_convertible_v<FetchLane&, BackupLane>);
static_assert(!std::is_convertible_v<BackupLane&, FetchLane>);
static_assert(!std::is_convertible_v<Worker&, BackupLane>);
static_assert(!std::is_convertible_v<Worker&, FetchLane>);
static_assert(std::is_convertible_v<BackupLane&, Worker&>, "a lane serves as a Worker");
// AgentDeps holds one of each, so `.worker = FetchLane(...)` does not compile.
static_assert(std::is_same_v<decltype(AgentDeps::worker), BackupLane>);
static_assert(std::is_same_v<decltype(AgentDeps::fetch_worker), FetchLane>);
// And the runner and poller each take only their own, so the agent cannot
// hand one the other's lane.
static_assert(std::is_same_v<decltype(RunnerDeps::worker), BackupLane>);
static_assert(std::is_same_v<decltype(PollerDeps::worker), FetchLane>);

TEST(WorkerLaneTest, PostsToTheWorkerItNames) {
  testing::ManualWorker backups;
  testing::ManualWorker fetches;
  BackupLane backup_lane(backups);
  FetchLane fetch_lane(fetches);
  bool ran = false;
  bool done = false;
  backup_lane.Post([&] { ran = true; }, [&] { done = true; });
  EXPECT_EQ(backups.queued(), 1u);
  EXPECT_EQ(fetches.queued(), 0u);
  backups.RunAll();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(done);
  fetch_lane.Post([] {}, [] {});
  EXPECT_EQ(fetches.queued(), 1u);
  EXPECT_EQ(backups.queued(), 0u);
}

TEST(WorkerLaneTest, RunsOnMainThroughItsWorker) {
  testing::ManualWorker fetches;
  FetchLane lane(fetches);
  bool ran = false;
  lane.RunOnMain([&] { ran = true; });
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace nymvisor
