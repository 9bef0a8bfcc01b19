#include "agent/shell/fleet_coordinator.h"

#include <gtest/gtest.h>

#include <memory>

#include "agent/adapters/real_file_system.h"
#include "agent/decide/fleet_status.h"
#include "tests/support/agent_fakes.h"
#include "tests/support/fake_etcd.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeEtcd;

/// One agent's coordinator on a shared FakeEtcd, with its own data dir.
struct Host {
  Host(FakeEtcd& etcd, FakeClock& clock, testing::FakeScheduler& scheduler, std::string holder,
       bool canary = false, FleetUnreachableMode mode = FleetUnreachableMode::kWait)
      : log(journal, "mixnode", /*disabled=*/false) {
    worker.inline_jobs = true;
    settings = {
        .group = "g", .holder = std::move(holder), .canary = canary, .on_unreachable = mode};
    Make(etcd, clock, scheduler);
  }
  /// A new agent process on the same data dir (the old one died).
  void Make(FakeEtcd& etcd, FakeClock& clock, testing::FakeScheduler& scheduler) {
    coordinator.reset();
    coordinator =
        std::make_unique<FleetCoordinator>(FleetDeps{.etcd = etcd,
                                                     .files = files,
                                                     .record_file = dir / "fleet-slot.json",
                                                     .clock = clock,
                                                     .scheduler = scheduler,
                                                     .lane = FleetLane(worker),
                                                     .log = log},
                                           settings);
    coordinator->Start();
  }
  FleetAnswer Ask(const std::string& version) {
    FleetAnswer got;
    coordinator->Ask(version, [&](const FleetAnswer& a) { got = a; });
    return got;
  }
  Status Release(const std::string& version) {
    Status got = Status::Error("not called");
    coordinator->Release(version, /*committed=*/true, [&](const Status& st) { got = st; });
    return got;
  }
  Status Halt(const std::string& version, const std::string& reason) {
    Status got = Status::Error("not called");
    coordinator->Halt(version, reason, [&](const Status& st) { got = st; });
    return got;
  }
  bool HasRecord() { return std::filesystem::exists(dir / "fleet-slot.json"); }

  testing::TempDir dir;
  RealFileSystem files;
  testing::ManualWorker worker;
  testing::RecordingJournal journal;
  Logger log;
  FleetSettings settings;
  std::unique_ptr<FleetCoordinator> coordinator;
};

constexpr char kA[] = "mixnode@0123456789abcdef0123456789abcdef";
constexpr char kB[] = "mixnode@fedcba9876543210fedcba9876543210";

class FleetCoordinatorTest : public ::testing::Test {
 protected:
  FakeClock clock{Timestamp{} + std::chrono::hours(24 * 365 * 50)};
  testing::FakeScheduler scheduler{clock};
  FakeEtcd etcd{clock};
};

TEST_F(FleetCoordinatorTest, TwoHostsNeverBothProceedWithOneSlot) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  FleetAnswer first = a.Ask("1.2.0");
  FleetAnswer second = b.Ask("1.2.0");
  EXPECT_TRUE(first.proceed);
  EXPECT_FALSE(second.proceed);
  EXPECT_EQ(second.waiting_for, FleetWait::kSlot);
  EXPECT_EQ(a.coordinator->Report().phase, "in-progress");
  EXPECT_TRUE(a.coordinator->slot_held());
  // Asking again changes nothing while a holds the slot.
  EXPECT_FALSE(b.Ask("1.2.0").proceed);
  ASSERT_TRUE(a.Release("1.2.0").ok());
  EXPECT_FALSE(a.HasRecord());
  EXPECT_EQ(a.coordinator->lease(), 0);
  EXPECT_TRUE(b.Ask("1.2.0").proceed);
}

TEST_F(FleetCoordinatorTest, ARollbackHaltsTheVersionForTheOthers) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  ASSERT_TRUE(a.Ask("1.2.0").proceed);
  EXPECT_FALSE(b.Ask("1.2.0").proceed);
  ASSERT_TRUE(a.Halt("1.2.0", "health check failed").ok());
  FleetAnswer answer = b.Ask("1.2.0");
  EXPECT_FALSE(answer.proceed);
  EXPECT_EQ(answer.waiting_for, FleetWait::kHalt);
  ASSERT_TRUE(answer.halt.has_value());
  EXPECT_EQ(answer.halt->reason, "health check failed");
  EXPECT_EQ(b.coordinator->Report().waiting_for, "fleet-halt");
  // Its queued key was withdrawn: it does not block a slot it cannot use.
  EXPECT_FALSE(b.HasRecord());
  // Another version is not blocked.
  EXPECT_TRUE(b.Ask("1.2.1").proceed);
}

TEST_F(FleetCoordinatorTest, ARestartedAgentAdoptsItsKeyAndKeepsTheLease) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  ASSERT_TRUE(a.Ask("1.2.0").proceed);
  int64_t lease = a.coordinator->lease();
  ASSERT_NE(lease, 0);
  a.Make(etcd, clock, scheduler);  // the agent restarts
  // It keeps the lease alive from its start, before any upgrade step asks.
  EXPECT_EQ(a.coordinator->lease(), lease);
  for (int i = 0; i < 6; ++i) {
    scheduler.Advance(10s);
  }
  FleetAnswer resumed = a.Ask("1.2.0");
  EXPECT_TRUE(resumed.proceed);
  EXPECT_EQ(a.coordinator->lease(), lease);
  EXPECT_FALSE(b.Ask("1.2.0").proceed);
  EXPECT_EQ(b.coordinator->Report().waiting_for, "slot");
}

TEST_F(FleetCoordinatorTest, ARestartWithoutTheRecordAdoptsTheKeyFromEtcd) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  ASSERT_TRUE(a.Ask("1.2.0").proceed);
  int64_t lease = a.coordinator->lease();
  ASSERT_TRUE(a.files.RemoveAll(a.dir / "fleet-slot.json").ok());
  a.Make(etcd, clock, scheduler);
  EXPECT_EQ(a.coordinator->lease(), 0);
  EXPECT_TRUE(a.Ask("1.2.0").proceed);
  EXPECT_EQ(a.coordinator->lease(), lease);
  EXPECT_TRUE(a.HasRecord());
  EXPECT_FALSE(b.Ask("1.2.0").proceed);
}

TEST_F(FleetCoordinatorTest, ALostLeaseBeforeTheStopAsksAgain) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  ASSERT_TRUE(b.Ask("1.2.0").proceed);
  EXPECT_FALSE(a.Ask("1.2.0").proceed);  // queued with a lease
  int64_t lease = a.coordinator->lease();
  ASSERT_TRUE(etcd.RevokeLease(lease).ok());
  scheduler.Advance(10s);  // the keepalive finds it gone
  EXPECT_EQ(a.coordinator->lease(), 0);
  EXPECT_EQ(a.coordinator->Report().phase, "asked");
  ASSERT_TRUE(b.Release("1.2.0").ok());
  EXPECT_TRUE(a.Ask("1.2.0").proceed);
  EXPECT_NE(a.coordinator->lease(), 0);
}

TEST_F(FleetCoordinatorTest, UnreachableEtcdWaitsInWaitMode) {
  Host a(etcd, clock, scheduler, kA);
  etcd.SetDown(true);
  FleetAnswer answer = a.Ask("1.2.0");
  EXPECT_FALSE(answer.proceed);
  EXPECT_EQ(answer.waiting_for, FleetWait::kUnreachable);
  EXPECT_EQ(a.coordinator->Report().waiting_for, "fleet-unreachable");
  etcd.SetDown(false);
  EXPECT_TRUE(a.Ask("1.2.0").proceed);
}

TEST_F(FleetCoordinatorTest, UnreachableEtcdGoesInProceedMode) {
  Host a(etcd, clock, scheduler, kA, /*canary=*/false, FleetUnreachableMode::kProceed);
  etcd.SetDown(true);
  FleetAnswer answer = a.Ask("1.2.0");
  EXPECT_TRUE(answer.proceed);
  EXPECT_EQ(answer.waiting_for, FleetWait::kNone);
}

TEST_F(FleetCoordinatorTest, OthersWaitForTheCanary) {
  Host canary(etcd, clock, scheduler, kA, /*canary=*/true);
  Host other(etcd, clock, scheduler, kB);
  FleetAnswer waiting = other.Ask("1.2.0");
  EXPECT_FALSE(waiting.proceed);
  EXPECT_EQ(waiting.waiting_for, FleetWait::kCanaries);
  ASSERT_TRUE(canary.Ask("1.2.0").proceed);
  ASSERT_TRUE(canary.Release("1.2.0").ok());
  EXPECT_TRUE(other.Ask("1.2.0").proceed);
}

TEST_F(FleetCoordinatorTest, WithdrawGivesTheQueuedKeyBack) {
  Host a(etcd, clock, scheduler, kA);
  Host b(etcd, clock, scheduler, kB);
  ASSERT_TRUE(a.Ask("1.2.0").proceed);
  EXPECT_FALSE(b.Ask("1.2.0").proceed);
  ASSERT_TRUE(b.HasRecord());
  b.coordinator->Withdraw();
  EXPECT_FALSE(b.HasRecord());
  EXPECT_EQ(b.coordinator->lease(), 0);
  EXPECT_EQ(b.coordinator->Report().waiting_for, "");
}

TEST(FleetWaitName, NamesWhatTheMetricsList) {
  // The metrics write one series per reason of kFleetWaitReasons: a wait
  // the list lacked would never show there.
  std::vector<std::string_view> names;
  for (FleetWait w : {FleetWait::kSlot, FleetWait::kCanaries, FleetWait::kSoak, FleetWait::kHalt,
                      FleetWait::kUnreachable}) {
    names.push_back(FleetWaitName(w));
  }
  EXPECT_EQ(names,
            std::vector<std::string_view>(kFleetWaitReasons.begin(), kFleetWaitReasons.end()));
  EXPECT_EQ(FleetWaitName(FleetWait::kNone), "");
}

}  // namespace
}  // namespace nymvisor
