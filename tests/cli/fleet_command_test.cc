#include "agent/cli/fleet_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/decide/fleet_view.h"
#include "tests/support/fake_etcd.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {
namespace {

constexpr char kA[] = "mixnode@0123456789abcdef0123456789abcdef";
constexpr char kB[] = "gateway@fedcba9876543210fedcba9876543210";
constexpr char kC[] = "mixnode@00000000000000000000000000000001";

/// A group "eu" in a FakeEtcd, written as agents would write it.
class FleetCommandTest : public ::testing::Test {
 protected:
  FleetCommandTest()
      : clock_(*ParseTimestamp("2026-12-01T12:00:00Z")),
        etcd_(clock_),
        keys_(*FleetKeys::For("eu")) {}

  FleetTarget Target(uint64_t max_unavailable = 1) {
    return FleetTarget{.etcd = etcd_,
                       .keys = keys_,
                       .instance_id = "mixnode",
                       .group = "eu",
                       .holder = kA,
                       .max_unavailable = max_unavailable};
  }
  Timestamp Ago(int minutes) { return clock_.Now() - std::chrono::minutes(minutes); }
  void Put(const std::string& key, const std::string& value, int64_t lease = 0) {
    ASSERT_TRUE(etcd_.Put({.key = key, .value = value, .lease = lease}).ok());
  }
  void Slot(const std::string& holder, const std::string& version, bool canary = false) {
    Result<EtcdLease> lease = etcd_.GrantLease(60);
    ASSERT_TRUE(lease.ok());
    Put(keys_.Slot(holder), FleetSlotValue(version, Ago(10), canary), lease->id);
  }
  void Halt(const std::string& version, FleetHaltCause cause, const std::string& holder) {
    Put(keys_.Halt(version), FleetHaltValue({.version = version,
                                             .cause = cause,
                                             .reason = "health check failed",
                                             .holder = holder,
                                             .time = Ago(5)}));
  }
  bool Exists(const std::string& key) {
    Result<EtcdRangeResult> r = etcd_.Range({.key = key});
    return r.ok() && !r->kvs.empty();
  }
  FleetReport Report(uint64_t max_unavailable = 1) {
    Result<FleetReport> r = ReadFleetReport(Target(max_unavailable));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : FleetReport{};
  }

  FakeClock clock_;
  FakeEtcd etcd_;
  FleetKeys keys_;
  std::ostringstream out_;
};

TEST_F(FleetCommandTest, StatusRanksSlotsAndShowsDoneNewestFirst) {
  Slot(kB, "1.2.0");
  Slot(kA, "1.2.0", /*canary=*/true);
  Put(keys_.Progress(kB), FleetProgressValue("1.2.0", Ago(9)));
  Put(keys_.Done("1.1.9", kC), FleetDoneValue(false, Ago(600)));
  Put(keys_.Done("1.10.0", kC), FleetDoneValue(true, Ago(60)));
  Put(keys_.Canary(kA), FleetCanaryValue(Ago(900)));
  std::string text = RenderFleetStatus(Report(), clock_.Now());
  EXPECT_NE(text.find("Fleet group eu"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("This host: ") + kA), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("1. holding  ") + kB), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("2. queued   ") + kA + "  (this host)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("instance gateway, machine fedcba9876543210fedcba9876543210, version 1.2.0, "
                      "since 2026-12-01 11:50 UTC (10m ago)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("version 1.2.0, canary,"), std::string::npos) << text;
  EXPECT_LT(text.find("1.10.0: 1 host: "), text.find("1.1.9: 1 host: ")) << text;
  EXPECT_NE(text.find(std::string(kC) + " (canary)"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string("Canaries: ") + kA), std::string::npos) << text;
  EXPECT_NE(text.find("Halts: none"), std::string::npos) << text;
  EXPECT_EQ(text.find("ORPHAN"), std::string::npos) << text;
}

TEST_F(FleetCommandTest, StatusShowsEveryHaltWithTheCommandThatClearsIt) {
  Halt("1.2.0", FleetHaltCause::kRollback, kB);
  Put(keys_.Progress(kC), FleetProgressValue("1.3.0", Ago(30)));  // its slot is gone
  std::string text = RenderFleetStatus(Report(), clock_.Now());
  EXPECT_NE(text.find(std::string("1.2.0 is halted: ") + kB +
                      " rolled it back: health check "
                      "failed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nymvisor fleet clear-halt --id mixnode --version 1.2.0"), std::string::npos)
      << text;
  EXPECT_NE(text.find(std::string("ALL versions are halted: ") + kC +
                      " lost its slot (its lease expired) while upgrading to 1.3.0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nymvisor fleet clear-halt --id mixnode --version 1.3.0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ORPHAN: its slot's lease expired"), std::string::npos) << text;
}

TEST_F(FleetCommandTest, StatusJsonIsOneStableObject) {
  Slot(kB, "1.2.0");
  Slot(kA, "1.2.0");
  Halt("1.1.0", FleetHaltCause::kOperator, kA);
  Put(keys_.Done("1.1.9", kC), FleetDoneValue(false, Ago(600)));
  Json j = FleetStatusToJson(Report(/*max_unavailable=*/2));
  EXPECT_EQ(j["group"], "eu");
  EXPECT_EQ(j["holder"], kA);
  EXPECT_EQ(j["maxUnavailable"], 2);
  EXPECT_GT(j["revision"].get<int64_t>(), 0);
  EXPECT_TRUE(j["halted"].get<bool>());
  ASSERT_EQ(j["slots"].size(), 2u);
  EXPECT_EQ(j["slots"][0]["holder"], kB);
  EXPECT_EQ(j["slots"][0]["instance"], "gateway");
  EXPECT_EQ(j["slots"][0]["machineId"], "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(j["slots"][0]["rank"], 1);
  EXPECT_EQ(j["slots"][1]["state"], "holding");
  EXPECT_EQ(j["slots"][1]["since"], "2026-12-01T11:50:00Z");
  EXPECT_FALSE(j["slots"][1]["lease"].get<std::string>().empty());
  ASSERT_EQ(j["halts"].size(), 1u);
  EXPECT_EQ(j["halts"][0]["version"], "1.1.0");
  EXPECT_EQ(j["halts"][0]["cause"], "operator");
  EXPECT_FALSE(j["halts"][0]["allVersions"].get<bool>());
  EXPECT_FALSE(j["halts"][0]["implied"].get<bool>());
  EXPECT_EQ(j["halts"][0]["clearCommand"],
            "nymvisor fleet clear-halt --id mixnode --version 1.1.0");
  EXPECT_EQ(j["done"][0]["version"], "1.1.9");
  EXPECT_EQ(j["done"][0]["hosts"][0]["holder"], kC);
  EXPECT_TRUE(j["progress"].is_array());
  EXPECT_TRUE(j["canaries"].is_array());
}

TEST_F(FleetCommandTest, ClearHaltWithoutAVersionClearsTheOnlyOne) {
  Halt("1.2.0", FleetHaltCause::kRollback, kB);
  ASSERT_TRUE(ClearFleetHalts(Target(), {}, out_).ok());
  EXPECT_NE(out_.str().find("cleared the halt of 1.2.0 in group eu"), std::string::npos)
      << out_.str();
  EXPECT_FALSE(Exists(keys_.Halt("1.2.0")));
}

TEST_F(FleetCommandTest, ClearHaltWithNoHaltSaysSo) {
  ASSERT_TRUE(ClearFleetHalts(Target(), {}, out_).ok());
  EXPECT_NE(out_.str().find("group eu has no halt; nothing to clear"), std::string::npos)
      << out_.str();
}

TEST_F(FleetCommandTest, ClearHaltRefusesToGuessAmongSeveral) {
  Halt("1.2.0", FleetHaltCause::kRollback, kB);
  Halt("1.3.0", FleetHaltCause::kOperator, kA);
  Status st = ClearFleetHalts(Target(), {}, out_);
  ASSERT_TRUE(st.IsUsage()) << st.message();
  EXPECT_NE(st.message().find("1.2.0, 1.3.0"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--version"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--all"), std::string::npos) << st.message();
  EXPECT_TRUE(Exists(keys_.Halt("1.2.0")));
  Status typo = ClearFleetHalts(Target(), {.version = "1.2"}, out_);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.message().find("1.2 is not halted"), std::string::npos) << typo.message();
  ASSERT_TRUE(ClearFleetHalts(Target(), {.version = "1.3.0"}, out_).ok());
  EXPECT_TRUE(Exists(keys_.Halt("1.2.0")));
  EXPECT_FALSE(Exists(keys_.Halt("1.3.0")));
}

TEST_F(FleetCommandTest, ClearAllClearsTheOrphanMarksToo) {
  Halt("1.2.0", FleetHaltCause::kRollback, kB);
  Slot(kA, "1.3.0");
  Put(keys_.Progress(kA), FleetProgressValue("1.3.0", Ago(3)));   // holds its slot: stays
  Put(keys_.Progress(kC), FleetProgressValue("1.3.0", Ago(30)));  // orphan: implied halt
  ASSERT_TRUE(ClearFleetHalts(Target(), {.all = true}, out_).ok()) << out_.str();
  EXPECT_NE(out_.str().find("cleared the halt of 1.3.0 in group eu and 1 orphan progress mark"),
            std::string::npos)
      << out_.str();
  EXPECT_FALSE(Exists(keys_.Halt("1.2.0")));
  EXPECT_FALSE(Exists(keys_.Progress(kC)));
  EXPECT_TRUE(Exists(keys_.Progress(kA)));
  EXPECT_TRUE(Report().view.halts.empty());
  EXPECT_TRUE(EffectiveHalts(Report().view).empty());
}

/// Rewrites the halt key between clear-halt's read and its transaction.
class RacingEtcd : public FakeEtcd {
 public:
  using FakeEtcd::FakeEtcd;
  std::function<void()> before_txn;
  Result<EtcdTxnResult> Txn(const EtcdTxn& txn) override {
    if (before_txn) std::exchange(before_txn, nullptr)();
    return FakeEtcd::Txn(txn);
  }
};

TEST(FleetClearHalt, NoticesAHaltRewrittenMeanwhile) {
  FakeClock clock(*ParseTimestamp("2026-12-01T12:00:00Z"));
  RacingEtcd etcd(clock);
  FleetKeys keys = *FleetKeys::For("eu");
  FleetHalt halt{.version = "1.2.0", .cause = FleetHaltCause::kRollback, .holder = kB};
  ASSERT_TRUE(etcd.Put({.key = keys.Halt("1.2.0"), .value = FleetHaltValue(halt)}).ok());
  etcd.before_txn = [&] {
    halt.reason = "rolled back again";
    ASSERT_TRUE(etcd.Put({.key = keys.Halt("1.2.0"), .value = FleetHaltValue(halt)}).ok());
  };
  std::ostringstream out;
  FleetTarget target{.etcd = etcd, .keys = keys, .instance_id = "mixnode", .group = "eu"};
  Status st = ClearFleetHalts(target, {.version = "1.2.0"}, out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("changed while it was being cleared"), std::string::npos)
      << st.message();
  EXPECT_TRUE(etcd.Range({.key = keys.Halt("1.2.0")})->count == 1);
}

TEST_F(FleetCommandTest, HaltWritesAnOperatorHaltOnce) {
  ASSERT_TRUE(HaltFleetVersion(Target(), "1.2.0", "bad release", clock_.Now(), out_).ok());
  EXPECT_NE(out_.str().find("halted 1.2.0 in group eu"), std::string::npos) << out_.str();
  std::vector<FleetHalt> halts = Report().view.halts;
  ASSERT_EQ(halts.size(), 1u);
  EXPECT_EQ(halts[0].cause, FleetHaltCause::kOperator);
  EXPECT_EQ(halts[0].reason, "bad release");
  EXPECT_EQ(halts[0].holder, kA);
  EXPECT_EQ(halts[0].time, clock_.Now());
  Status again = HaltFleetVersion(Target(), "1.2.0", "twice", clock_.Now(), out_);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("1.2.0 is already halted in group eu: 1.2.0 is halted by an "
                                 "operator (on " +
                                 std::string(kA) + "): bad release"),
            std::string::npos)
      << again.message();
  EXPECT_EQ(Report().view.halts[0].reason, "bad release");
}

TEST_F(FleetCommandTest, EtcdErrorsComeBackAsTheyAre) {
  etcd_.SetDown(true);
  Result<FleetReport> r = ReadFleetReport(Target());
  EXPECT_EQ(EtcdErrorOf(r.status()), EtcdError::kUnreachable);
  EXPECT_EQ(EtcdErrorOf(ClearFleetHalts(Target(), {}, out_)), EtcdError::kUnreachable);
}

}  // namespace
}  // namespace nymvisor::testing
