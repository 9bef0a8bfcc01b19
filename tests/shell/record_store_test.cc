#include "agent/shell/record_store.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "tests/support/builders.h"
#include "tests/support/config_builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::NodeBuildInfo;
using testing::TempDir;
using testing::WriteFile;

class RecordStoreTest : public ::testing::Test {
 protected:
  RecordStoreTest() {
    layout_ = testing::NodeLayout(dir_.path());
    std::filesystem::create_directories(layout_.data_dir);
  }
  TempDir dir_;
  RealFileSystem files_;
  Layout layout_;
};

TEST_F(RecordStoreTest, DefaultLayoutKeepsEverythingUnderTheHome) {
  EXPECT_EQ(layout_.data_dir, dir_ / "nymvisor");
  EXPECT_EQ(layout_.PlanFile(), dir_ / "nymvisor/upgrade-plan.json");
  EXPECT_EQ(layout_.CurrentVersionFile(), dir_ / "nymvisor/current-version.json");
  EXPECT_EQ(layout_.backup_dir, dir_ / "nymvisor/backups");
  EXPECT_EQ(layout_.UpgradeBinary("v2"), dir_ / "nymvisor/upgrades/v2/bin/nym-node");
  EXPECT_EQ(layout_.UpgradeInfoFile("genesis"), dir_ / "nymvisor/genesis/upgrade-info.json");
  EXPECT_EQ(layout_.CurrentBinary(), dir_ / "nymvisor/current/bin/nym-node");
}

TEST_F(RecordStoreTest, CustomDirectoriesReplaceTheDefaults) {
  Config c = testing::NodeConfig("/h");
  c.nymvisor.upgrade_data_directory = "/data/nym-node";
  c.daemon.backup_data_directory = "/b";
  Layout l = MakeLayout(c);
  EXPECT_EQ(l.PlanFile(), "/data/nym-node/upgrade-plan.json");
  EXPECT_EQ(l.CurrentVersionFile(), "/h/nymvisor/current-version.json");
  EXPECT_EQ(l.backup_dir, "/b");
}

TEST_F(RecordStoreTest, RecordsRoundTrip) {
  RecordStore store(files_, layout_);
  UpgradePlan plan = testing::GenesisPlan("1.0.0");
  ASSERT_TRUE(store.SavePlan(plan).ok());
  EXPECT_EQ(*store.LoadPlan(), plan);
  CurrentVersion current{"genesis", "1.0.0", Timestamp(), NodeBuildInfo("1.0.0")};
  ASSERT_TRUE(store.SaveCurrentVersion(current).ok());
  EXPECT_EQ(*store.LoadCurrentVersion(), current);
  UpgradeInfo info = plan.current;
  info.name = "v2";
  ASSERT_TRUE(store.SaveUpgradeInfo(info).ok());
  EXPECT_EQ(*store.LoadUpgradeInfo("v2"), info);
}

TEST_F(RecordStoreTest, MissingHistoryIsEmptyButMissingPlanIsNotFound) {
  RecordStore store(files_, layout_);
  EXPECT_TRUE(store.LoadHistory()->history.empty());
  EXPECT_TRUE(store.LoadPlan().status().IsNotFound());
}

TEST_F(RecordStoreTest, CorruptFilesNameThePath) {
  WriteFile(layout_.PlanFile(), "{\"current\": ");
  RecordStore store(files_, layout_);
  Status st = store.LoadPlan().status();
  EXPECT_EQ(st.message().rfind(layout_.PlanFile().string(), 0), 0u) << st.message();
  WriteFile(layout_.HistoryFile(), "[]");
  EXPECT_FALSE(store.LoadHistory().ok());
}

}  // namespace
}  // namespace nymvisor
