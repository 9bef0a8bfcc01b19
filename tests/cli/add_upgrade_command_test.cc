#include "agent/cli/add_upgrade_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/cli/init_command.h"
#include "agent/shell/record_store.h"
#include "agent/shell/upgrade_records.h"
#include "tests/support/builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::ReadFileOrDie;
using testing::StampFakeNode;
using testing::TempDir;

class AddUpgradeTest : public ::testing::Test {
 protected:
  AddUpgradeTest() : clock_(*ParseTimestamp("2026-11-26T12:00:00Z")) {
    InitFlags init;
    init.daemon_binary = StampFakeNode(dir_ / "dist/v1", {{"version", "1.1.0"}});
    init.Set("daemon.home", (dir_ / "home").string());
    init.Set("nymvisor.id", "mixnode");
    InitDeps deps{
        .files = files_, .processes = processes_, .clock = clock_, .user_exists = UserExists};
    Result<InitResult> r =
        RunInit(init, MakeLocatorContext(EnvFromMap({}), true, dir_ / "etc"), EnvFromMap({}), deps);
    EXPECT_TRUE(r.ok()) << r.status().message();
    config_ = r->config;
    v2_ = StampFakeNode(dir_ / "dist/v2", {{"version", "1.2.0"}});
    flags_.daemon_binary = v2_;
    flags_.upgrade_name = "v2";
  }

  Status Add() {
    AddUpgradeDeps deps{
        .files = files_, .processes = processes_, .clock = clock_, .warnings = warnings_};
    return RunAddUpgrade(flags_, config_, deps).status();
  }
  RecordStore Store() { return RecordStore(files_, MakeLayout(config_)); }
  std::filesystem::path Data(const std::string& rel) { return dir_ / "home/nymvisor" / rel; }

  TempDir dir_;
  RealFileSystem files_;
  PosixProcessRunner processes_;
  FakeClock clock_;
  std::ostringstream warnings_;
  Config config_;
  std::string v2_;
  AddUpgradeFlags flags_;
};

TEST_F(AddUpgradeTest, QueuesInFifteenMinutesByDefault) {
  ASSERT_TRUE(Add().ok());
  UpgradePlan plan = *Store().LoadPlan();
  ASSERT_EQ(plan.queued_up.size(), 1u);
  const UpgradeInfo& e = plan.queued_up[0];
  EXPECT_EQ(e.name, "v2");
  EXPECT_EQ(e.version, "1.2.0");
  EXPECT_FALSE(e.manual);
  EXPECT_EQ(e.notes, "manually added via 'add-upgrade' command");
  EXPECT_EQ(e.upgrade_time, clock_.Now() + 15min);
  EXPECT_EQ(*e.publish_date, clock_.Now());
  EXPECT_EQ(e.binary_details->build_version, "1.2.0");
  EXPECT_EQ(*Store().LoadUpgradeInfo("v2"), e);
  EXPECT_EQ(ReadFileOrDie(Data("upgrades/v2/bin/nym-node")), ReadFileOrDie(v2_));
}

TEST_F(AddUpgradeTest, TimeFlags) {
  flags_.now = true;
  ASSERT_TRUE(Add().ok());
  EXPECT_EQ(Store().LoadPlan()->queued_up[0].upgrade_time, clock_.Now());
  flags_.now = false;
  flags_.upgrade_name = "v3";
  flags_.upgrade_delay = 2h;
  ASSERT_TRUE(Add().ok());
  flags_.upgrade_delay.reset();
  flags_.upgrade_name = "v4";
  flags_.upgrade_time = *ParseTimestamp("2027-01-01T00:00:00Z");
  flags_.publish_date = *ParseTimestamp("2026-12-01T00:00:00Z");
  ASSERT_TRUE(Add().ok());
  UpgradePlan plan = *Store().LoadPlan();
  ASSERT_EQ(plan.queued_up.size(), 3u);
  EXPECT_EQ(plan.queued_up[1].upgrade_time, clock_.Now() + 2h);
  EXPECT_EQ(plan.queued_up[2].name, "v4");
  EXPECT_EQ(FormatTimestamp(*plan.queued_up[2].publish_date), "2026-12-01T00:00:00Z");
}

TEST_F(AddUpgradeTest, ExistingUpgradeNeedsForce) {
  ASSERT_TRUE(Add().ok());
  Status st = Add();
  EXPECT_NE(st.message().find("already has a binary"), std::string::npos) << st.message();
  flags_.force = true;
  flags_.now = true;
  ASSERT_TRUE(Add().ok());
  UpgradePlan plan = *Store().LoadPlan();
  ASSERT_EQ(plan.queued_up.size(), 1u) << "--force replaces the queued entry";
  EXPECT_EQ(plan.queued_up[0].upgrade_time, clock_.Now());
}

TEST_F(AddUpgradeTest, RefusesOlderVersionsAnotherDaemonAndTheRunningUpgrade) {
  flags_.daemon_binary = StampFakeNode(dir_ / "dist/old", {{"version", "1.0.0"}});
  Status st = Add();
  EXPECT_EQ(st.message(),
            "the binary's version 1.0.0 is not newer than the running 1.1.0; nymvisor does not "
            "downgrade");
  flags_.daemon_binary =
      StampFakeNode(dir_ / "dist/gw", {{"version", "1.2.0"}, {"binary_name", "nym-gateway"}});
  st = Add();
  EXPECT_EQ(st.message(), "the binary is nym-gateway, but this instance runs nym-node");
  flags_.daemon_binary = v2_;
  flags_.upgrade_name = "v2";
  ASSERT_TRUE(Add().ok());
  UpgradeRecords records(files_, MakeLayout(config_));
  UpgradeState applying;
  applying.target.name = "v2";
  ASSERT_TRUE(records.SaveState(applying).ok());
  flags_.force = true;
  EXPECT_EQ(Add().message(), "upgrade 'v2' is being applied now");
  ASSERT_TRUE(records.ClearState().ok());
  UpgradePlan plan = *Store().LoadPlan();
  plan.current.name = "v2";
  ASSERT_TRUE(Store().SavePlan(plan).ok());
  EXPECT_EQ(Add().message(),
            "upgrade 'v2' is the version running now; give the new binary another name");
  EXPECT_EQ(Store().LoadPlan()->queued_up.size(), 1u) << "nothing changed";
}

TEST_F(AddUpgradeTest, AddBinaryChecksTheExistingRecord) {
  UpgradeInfo record = testing::Upgrade("v2", "1.2.0", clock_.Now());
  ASSERT_TRUE(Store().SaveUpgradeInfo(record).ok());
  flags_.add_binary = true;
  ASSERT_TRUE(Add().ok());
  EXPECT_TRUE(std::filesystem::exists(Data("upgrades/v2/bin/nym-node")));
  EXPECT_TRUE(Store().LoadPlan()->queued_up.empty()) << "--add-binary leaves the plan alone";
}

TEST_F(AddUpgradeTest, AddBinaryRefusesAWrongVersionOrMissingRecord) {
  flags_.add_binary = true;
  EXPECT_NE(Add().message().find("has no upgrade-info.json"), std::string::npos);
  UpgradeInfo record;
  record.name = "v2";
  record.version = "1.3.0";
  ASSERT_TRUE(Store().SaveUpgradeInfo(record).ok());
  EXPECT_NE(Add().message().find("expects version 1.3.0 but the binary reports 1.2.0"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Data("upgrades/v2/bin/nym-node")));
}

TEST_F(AddUpgradeTest, RefusesTraversalAndReservedNames) {
  for (const char* name : {"../../etc", "a/b", ".hidden", "genesis", ""}) {
    flags_.upgrade_name = name;
    EXPECT_FALSE(Add().ok()) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc/nym-node"));
  EXPECT_TRUE(Store().LoadPlan()->queued_up.empty());
}

TEST_F(AddUpgradeTest, MakesANonExecutableSourceExecutableWithAWarning) {
  ::chmod(v2_.c_str(), 0644);
  ASSERT_TRUE(Add().ok());
  EXPECT_NE(warnings_.str().find("was not executable"), std::string::npos);
  struct stat st {};
  ::stat(v2_.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0111, 0111u);
}

TEST_F(AddUpgradeTest, MissingOrBrokenBinaryChangesNothing) {
  flags_.daemon_binary = (dir_ / "dist/missing").string();
  EXPECT_NE(Add().message().find("dist/missing"), std::string::npos);
  flags_.daemon_binary = StampFakeNode(dir_ / "dist/bad", {{"bad_build_info", "true"}});
  EXPECT_FALSE(Add().ok());
  EXPECT_TRUE(Store().LoadPlan()->queued_up.empty());
  EXPECT_FALSE(std::filesystem::exists(Data("upgrades/v2")));
}

TEST_F(AddUpgradeTest, AFullDiskLeavesThePlanUntouched) {
  testing::FaultyFileSystem faulty;
  faulty.fail_write = [](const fs::path& p) { return p.filename() == "nym-node"; };
  AddUpgradeDeps deps{
      .files = faulty, .processes = processes_, .clock = clock_, .warnings = warnings_};
  std::string before = ReadFileOrDie(Data("upgrade-plan.json"));
  EXPECT_NE(RunAddUpgrade(flags_, config_, deps).status().message().find("No space left"),
            std::string::npos);
  EXPECT_EQ(ReadFileOrDie(Data("upgrade-plan.json")), before);
}

}  // namespace
}  // namespace nymvisor
