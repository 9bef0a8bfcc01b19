#include "agent/records/layout.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using Paths = std::vector<std::filesystem::path>;

Layout LayoutFor(const std::string& data_dir = "", const std::string& backup_dir = "") {
  return MakeLayout("/h", data_dir, backup_dir, "nym-node");
}

TEST(Layout, DefaultDataDirectoryIsNymvisorInsideTheHome) {
  Layout l = LayoutFor();
  EXPECT_EQ(l.home, "/h");
  EXPECT_EQ(l.nymvisor_dir, "/h/nymvisor");
  EXPECT_EQ(l.data_dir, "/h/nymvisor");
  EXPECT_EQ(l.backup_dir, "/h/nymvisor/backups");
  EXPECT_EQ(l.daemon_name, "nym-node");
  EXPECT_EQ(l.GenesisDir(), "/h/nymvisor/genesis");
  EXPECT_EQ(l.UpgradesDir(), "/h/nymvisor/upgrades");
  EXPECT_EQ(l.CurrentLink(), "/h/nymvisor/current");
  EXPECT_EQ(l.PlanFile(), "/h/nymvisor/upgrade-plan.json");
  EXPECT_EQ(l.HistoryFile(), "/h/nymvisor/upgrade-history.json");
  EXPECT_EQ(l.LockFile(), "/h/nymvisor/upgrade.lock");
  EXPECT_EQ(l.CurrentVersionFile(), "/h/nymvisor/current-version.json");
}

TEST(Layout, ConfiguredDirectoriesMoveDataAndBackupsButNotCurrentVersion) {
  Layout l = LayoutFor("/srv/nym-data", "/srv/nym-backups");
  EXPECT_EQ(l.data_dir, "/srv/nym-data");
  EXPECT_EQ(l.backup_dir, "/srv/nym-backups");
  EXPECT_EQ(l.PlanFile(), "/srv/nym-data/upgrade-plan.json");
  EXPECT_EQ(l.UpgradeBinary("v2"), "/srv/nym-data/upgrades/v2/bin/nym-node");
  EXPECT_EQ(l.CurrentBinary(), "/srv/nym-data/current/bin/nym-node");
  EXPECT_EQ(l.CurrentVersionFile(), "/h/nymvisor/current-version.json")
      << "current-version.json always lives in <home>/nymvisor";
}

TEST(Layout, GenesisHasItsOwnDirectoryAndBinariesUseTheDaemonName) {
  Layout l = MakeLayout("/h", "", "", "nym-mixnode");
  EXPECT_EQ(l.UpgradeDir("genesis"), "/h/nymvisor/genesis");
  EXPECT_EQ(l.UpgradeDir("v2"), "/h/nymvisor/upgrades/v2");
  EXPECT_EQ(l.UpgradeInfoFile("genesis"), "/h/nymvisor/genesis/upgrade-info.json");
  EXPECT_EQ(l.UpgradeInfoFile("v2"), "/h/nymvisor/upgrades/v2/upgrade-info.json");
  EXPECT_EQ(l.UpgradeBinary("genesis"), "/h/nymvisor/genesis/bin/nym-mixnode");
  EXPECT_EQ(l.UpgradeBinary("v2"), "/h/nymvisor/upgrades/v2/bin/nym-mixnode");
  EXPECT_EQ(l.CurrentBinary(), "/h/nymvisor/current/bin/nym-mixnode");
}

TEST(NymvisorPathsInHome, DefaultIsJustTheNymvisorDirectory) {
  EXPECT_EQ(NymvisorPathsInHome(LayoutFor()), Paths{"/h/nymvisor"});
  EXPECT_EQ(NymvisorPathsInHome(LayoutFor("/h/nymvisor/data", "/h/nymvisor/b")),
            Paths{"/h/nymvisor"})
      << "directories inside <home>/nymvisor are already covered";
}

TEST(NymvisorPathsInHome, AddsTopLevelDirectoriesInsideTheHomeOnly) {
  EXPECT_EQ(NymvisorPathsInHome(LayoutFor("/h/nym-data", "/h/backups")),
            (Paths{"/h/nymvisor", "/h/nym-data", "/h/backups"}));
  EXPECT_EQ(NymvisorPathsInHome(LayoutFor("/srv/data", "/hx/backups")), Paths{"/h/nymvisor"})
      << "/hx shares a prefix with /h but is not inside it";
}

TEST(ValidateLayout, AcceptsDefaultTopLevelNymvisorAndOutsideDirectories) {
  EXPECT_TRUE(ValidateLayout(LayoutFor()).ok());
  EXPECT_TRUE(ValidateLayout(LayoutFor("/h/nym-data", "/h/backups")).ok());
  EXPECT_TRUE(ValidateLayout(LayoutFor("/h/nymvisor/a/b", "/h/nymvisor/c/d")).ok());
  EXPECT_TRUE(ValidateLayout(LayoutFor("/srv/data", "/srv/backups")).ok());
}

TEST(ValidateLayout, RejectsNestedDirectoriesNamingTheKeyAndPath) {
  Status data = ValidateLayout(LayoutFor("/h/var/data"));
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.message().find("nymvisor.upgrade_data_directory"), std::string::npos)
      << data.message();
  EXPECT_NE(data.message().find("/h/var/data"), std::string::npos) << data.message();

  Status backup = ValidateLayout(LayoutFor("", "/h/var/backups"));
  ASSERT_FALSE(backup.ok());
  EXPECT_NE(backup.message().find("daemon.backup_data_directory"), std::string::npos)
      << backup.message();
}

TEST(ValidateLayout, RejectsTheHomeItself) {
  EXPECT_FALSE(ValidateLayout(LayoutFor("/h")).ok());
  EXPECT_FALSE(ValidateLayout(LayoutFor("", "/h")).ok());
}

// Config paths are cleaned in MakeLayout: a trailing slash or a ".." does not
// change what a directory is.
TEST(ValidateLayout, TrailingSlashOnATopLevelDirectoryIsAccepted) {
  EXPECT_TRUE(ValidateLayout(LayoutFor("/h/nym-data")).ok());
  Status st = ValidateLayout(LayoutFor("/h/nym-data/"));
  EXPECT_TRUE(st.ok()) << st.message();
  st = ValidateLayout(LayoutFor("", "/h/backups/"));
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(ValidateLayout, TheHomeWithATrailingSlashIsStillTheHome) {
  EXPECT_FALSE(ValidateLayout(LayoutFor("", "/h/")).ok());
  EXPECT_FALSE(ValidateLayout(LayoutFor("/h/")).ok());
  EXPECT_FALSE(ValidateLayout(LayoutFor("/h/nymvisor/..")).ok());
}

}  // namespace
}  // namespace nymvisor
