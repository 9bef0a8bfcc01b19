#include "agent/adapters/directory_backup_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/ports/backup_store.h"
#include "agent/records/layout.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

class BackupStoreTest : public ::testing::Test {
 protected:
  BackupStoreTest()
      : clock_(*ParseTimestamp("2026-11-26T12:00:00Z")),
        store_(dir_ / "home", dir_ / "home/nymvisor/backups", {dir_ / "home/nymvisor"}, clock_) {
    WriteFile(dir_ / "home/config/config.toml", "id = 'x'\n", 0640);
    WriteFile(dir_ / "home/data/db.sqlite", std::string(300'000, 'd'), 0600);
    WriteFile(dir_ / "home/nymvisor/current-version.json", "{}");
    std::filesystem::create_symlink("data/db.sqlite", dir_ / "home/db-link");
    ::chmod((dir_ / "home/data").c_str(), 0700);
  }

  std::string Tree(const std::filesystem::path& root) {
    std::string out;
    for (auto it = std::filesystem::recursive_directory_iterator(root);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->path().filename() == "nymvisor") {
        it.disable_recursion_pending();
        continue;
      }
      struct stat st {};
      ::lstat(it->path().c_str(), &st);
      out += it->path().lexically_relative(root).string() + " " + std::to_string(st.st_mode) + " " +
             std::to_string(st.st_mtim.tv_sec) + "\n";
      if (S_ISREG(st.st_mode)) out += ReadFileOrDie(it->path()) + "\n";
    }
    return out;
  }

  TempDir dir_;
  testing::FakeClock clock_;
  DirectoryBackupStore store_;
};

TEST_F(BackupStoreTest, CopiesTheHomeExceptNymvisorAndRestoresItExactly) {
  std::string before = Tree(dir_ / "home");
  Result<std::filesystem::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_EQ(*backup, dir_ / "home/nymvisor/backups/v2/backup-2026-11-26-120000000-preupgrade");
  EXPECT_FALSE(std::filesystem::exists(*backup / "nymvisor"));
  EXPECT_EQ(std::filesystem::read_symlink(*backup / "db-link"), "data/db.sqlite");
  // A "migration" changes, adds and removes files.
  WriteFile(dir_ / "home/data/db.sqlite", "migrated", 0600);
  WriteFile(dir_ / "home/data/new-table", "new");
  std::filesystem::remove(dir_ / "home/config/config.toml");
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_EQ(Tree(dir_ / "home"), before);
  EXPECT_EQ(ReadFileOrDie(dir_ / "home/nymvisor/current-version.json"), "{}");
}

TEST_F(BackupStoreTest, NeverWritesOrReadsThroughAPlantedSymlink) {
  // The node's account can plant symlinks in its home: the backup of an
  // upgrade must not be written elsewhere, nor a restore read from elsewhere.
  std::filesystem::create_directories(dir_ / "elsewhere");
  std::filesystem::create_directories(dir_ / "home/nymvisor/backups");
  std::filesystem::create_directory_symlink(dir_ / "elsewhere", dir_ / "home/nymvisor/backups/v2");
  Result<std::filesystem::path> backup = store_.Create("v2");
  ASSERT_FALSE(backup.ok());
  EXPECT_NE(backup.status().message().find("backups/v2 is a symlink; refusing to follow it"),
            std::string::npos)
      << backup.status().message();
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "elsewhere"));
  WriteFile(dir_ / "elsewhere/backup-2026-11-26-120000000-preupgrade/data/db.sqlite", "theirs");
  std::string before = Tree(dir_ / "home");
  Status restored =
      store_.Restore(dir_ / "home/nymvisor/backups/v2/backup-2026-11-26-120000000-preupgrade");
  EXPECT_TRUE(restored.IsNotFound()) << "unusable, so the old version comes back without it";
  EXPECT_EQ(Tree(dir_ / "home"), before) << "nothing was removed or copied";
}

TEST_F(BackupStoreTest, BacksUpToAnotherFilesystem) {
  // copy_file_range refuses cross-filesystem copies on newer kernels (EXDEV).
  char shm[] = "/dev/shm/nymvisor-backup-test-XXXXXX";
  struct stat home_st {
  }, shm_st{};
  if (::stat("/dev/shm", &shm_st) != 0 || ::stat(dir_.path().c_str(), &home_st) != 0 ||
      home_st.st_dev == shm_st.st_dev || ::mkdtemp(shm) == nullptr) {
    GTEST_SKIP() << "needs /dev/shm on another filesystem than " << dir_.path();
  }
  DirectoryBackupStore elsewhere(dir_ / "home", shm, {dir_ / "home/nymvisor"}, clock_);
  Result<std::filesystem::path> backup = elsewhere.Create("v2");
  std::string copied = backup.ok() ? ReadFileOrDie(*backup / "data/db.sqlite") : "";
  std::filesystem::remove_all(shm);
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_EQ(copied, std::string(300'000, 'd'));
}

TEST_F(BackupStoreTest, AnInterruptedBackupIsClearedByTheNextOne) {
  std::filesystem::path stale = dir_ / "home/nymvisor/backups/v2/.backup-0-preupgrade.partial";
  WriteFile(stale / "data/db.sqlite", "half");
  ASSERT_TRUE(store_.Create("v2").ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
}

TEST_F(BackupStoreTest, RestoreCanBeRepeated) {
  std::string before = Tree(dir_ / "home");
  auto backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  ASSERT_TRUE(store_.Restore(*backup).ok());
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_EQ(Tree(dir_ / "home"), before);
}

TEST_F(BackupStoreTest, RefusesToRestoreSomethingThatIsNotACompleteBackup) {
  std::filesystem::create_directories(dir_ / "home/nymvisor/backups/v2/.backup-x.partial");
  EXPECT_FALSE(store_.Restore(dir_ / "home/nymvisor/backups/v2/.backup-x.partial").ok());
  EXPECT_FALSE(store_.Restore("").ok());
  EXPECT_TRUE(std::filesystem::exists(dir_ / "home/data/db.sqlite"));
}

TEST_F(BackupStoreTest, PruneKeepsTheNewestAndEveryProtectedOne) {
  std::vector<std::filesystem::path> made;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    clock_.Advance(1min);
    made.push_back(*store_.Create(name));
  }
  ASSERT_TRUE(store_.Prune(1, {made[0], made[2]}).ok());
  EXPECT_TRUE(std::filesystem::exists(made[0])) << "protected backups stay";
  EXPECT_FALSE(std::filesystem::exists(made[1]));
  EXPECT_TRUE(std::filesystem::exists(made[2])) << "protected backups stay";
  EXPECT_FALSE(std::filesystem::exists(made[3]));
  EXPECT_TRUE(std::filesystem::exists(made[4]));
  EXPECT_FALSE(store_.IsComplete(made[1])) << "pruned";
  EXPECT_TRUE(store_.IsComplete(made[2]));
}

TEST_F(BackupStoreTest, ARollbacksOwnBackupIsNeverTakenForThatVersionsPreUpgradeBackup) {
  std::filesystem::path before_v2 = *store_.Create("v2");
  clock_.Advance(1min);
  // An operator's rollback to v2 keeps its copy of v3's data apart.
  std::filesystem::path own = *store_.Create(".rollback-to-v2");
  EXPECT_TRUE(store_.IsComplete(own));
  EXPECT_EQ(*store_.Latest("v2"), before_v2);
}

TEST_F(BackupStoreTest, LatestIsTheNewestCompleteBackupOfThatUpgrade) {
  EXPECT_TRUE(store_.Latest("v2").status().IsNotFound());
  std::filesystem::path first = *store_.Create("v2");
  clock_.Advance(1min);
  std::filesystem::path second = *store_.Create("v2");
  clock_.Advance(1min);
  (void)*store_.Create("v3");
  std::filesystem::create_directories(dir_ /
                                      "home/nymvisor/backups/v2/backup-9-preupgrade.partial");
  EXPECT_EQ(*store_.Latest("v2"), second);
  EXPECT_NE(first, second);
  EXPECT_FALSE(store_.IsComplete(dir_ / "home/nymvisor/backups/v2/backup-9-preupgrade.partial"));
  EXPECT_FALSE(store_.IsComplete(dir_ / "home/nymvisor/backups/v2/backup-8-preupgrade"));
}

TEST(NymvisorPathsInHome, ExcludesNymvisorAndTopLevelCustomDirectories) {
  Config c = DefaultConfig("nym-node");
  c.daemon.home = "/h";
  c.daemon.backup_data_directory = "/h/backups";
  Layout layout = MakeLayout(c);
  EXPECT_EQ(NymvisorPathsInHome(layout),
            (std::vector<std::filesystem::path>{"/h/nymvisor", "/h/backups"}));
  EXPECT_TRUE(ValidateLayout(layout).ok());
  c.daemon.backup_data_directory = "/h/data/backups";
  Status nested = ValidateLayout(MakeLayout(c));
  EXPECT_NE(nested.message().find("daemon.backup_data_directory"), std::string::npos);
  c.daemon.backup_data_directory = "/h";
  EXPECT_FALSE(ValidateLayout(MakeLayout(c)).ok());
  c.daemon.backup_data_directory = "/srv/backups";
  EXPECT_TRUE(ValidateLayout(MakeLayout(c)).ok());
}

}  // namespace
}  // namespace nymvisor
