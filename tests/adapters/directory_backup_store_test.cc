#include "agent/adapters/directory_backup_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "agent/adapters/file_copy.h"
#include "agent/ports/backup_store.h"
#include "agent/records/layout.h"
#include "tests/support/config_builders.h"
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
  EXPECT_TRUE(restored.IsUnusable()) << "unusable, so the old version comes back without it";
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

TEST_F(BackupStoreTest, AWriteThroughASharedMappingReachesTheBackup) {
  // Issue 21, case 5. A page dirtied through a MAP_SHARED mapping moves the
  // file's mtime only on the fault that makes it writable; a second write to
  // the still-dirty page changes no stamp. With the backups on another
  // filesystem nothing else writes the home's page back between the passes.
  char shm[] = "/dev/shm/nymvisor-backup-test-XXXXXX";
  struct stat home_st {
  }, shm_st{};
  if (::stat("/dev/shm", &shm_st) != 0 || ::stat(dir_.path().c_str(), &home_st) != 0 ||
      home_st.st_dev == shm_st.st_dev || ::mkdtemp(shm) == nullptr) {
    GTEST_SKIP() << "needs /dev/shm on another filesystem than " << dir_.path();
  }
  std::filesystem::path db = dir_ / "home/data/db.sqlite";
  int fd = ::open(db.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  char* map = static_cast<char*>(::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  ::close(fd);
  ASSERT_NE(map, MAP_FAILED);
  map[0] = 'A';  // before the pre-copy, long enough before it not to be "racily clean"
  std::this_thread::sleep_for(1200ms);
  DirectoryBackupStore elsewhere(dir_ / "home", shm, {dir_ / "home/nymvisor"}, clock_);
  Status pre = elsewhere.PreCopy("v2");
  map[1] = 'B';  // after both passes, before the stop
  ::munmap(map, 4096);
  Result<std::filesystem::path> backup = elsewhere.Create("v2");
  std::string copied = backup.ok() ? ReadFileOrDie(*backup / "data/db.sqlite") : "";
  std::filesystem::remove_all(shm);
  ASSERT_TRUE(pre.ok()) << pre.message();
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_EQ(copied.substr(0, 3), "ABd") << "the backup holds the last write";
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

/// The names under the backup directory that start with a dot: copies being
/// built or removed.
std::vector<std::string> Hidden(const std::filesystem::path& backups) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(backups)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".backup-")) found.push_back(name);
  }
  return found;
}

TEST_F(BackupStoreTest, APreCopyOfAnAbortedUpgradeIsRemovedByTheNextBackupOfAnyUpgrade) {
  // Issue 21, case 6: the agent that pre-copied is gone (aborted, restarted).
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  ASSERT_EQ(Hidden(dir_ / "home/nymvisor/backups").size(), 1u);
  DirectoryBackupStore restarted(dir_ / "home", dir_ / "home/nymvisor/backups",
                                 {dir_ / "home/nymvisor"}, clock_);
  ASSERT_TRUE(restarted.Create("v3").ok());
  EXPECT_TRUE(Hidden(dir_ / "home/nymvisor/backups").empty());
}

TEST_F(BackupStoreTest, APreCopyOfAnAbortedUpgradeIsRemovedByPruneAndByDiscard) {
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  DirectoryBackupStore restarted(dir_ / "home", dir_ / "home/nymvisor/backups",
                                 {dir_ / "home/nymvisor"}, clock_);
  ASSERT_TRUE(restarted.Prune(3, {}).ok());
  EXPECT_TRUE(Hidden(dir_ / "home/nymvisor/backups").empty());
  ASSERT_TRUE(store_.PreCopy("v3").ok());
  ASSERT_EQ(Hidden(dir_ / "home/nymvisor/backups").size(), 1u);
  ASSERT_TRUE(store_.DiscardPreCopy().ok());
  EXPECT_TRUE(Hidden(dir_ / "home/nymvisor/backups").empty());
  EXPECT_TRUE(store_.Create("v3").ok()) << "a Create after a discard copies everything";
}

TEST_F(BackupStoreTest, PruneRemovesNothingThatStillLooksComplete) {
  // Issue 21, case 8: a prune that crashed after its rename leaves a name
  // no reader takes for a backup, and the next prune removes it.
  std::filesystem::path backups = dir_ / "home/nymvisor/backups";
  std::filesystem::path old = *store_.Create("v1");
  clock_.Advance(1min);
  std::filesystem::path kept = *store_.Create("v2");
  std::filesystem::path doomed = old.parent_path() / ("." + old.filename().string() + ".deleting");
  std::filesystem::rename(old, doomed);  // the crash: renamed, not removed
  EXPECT_TRUE(store_.Latest("v1").status().IsNotFound());
  ASSERT_TRUE(store_.Prune(1, {kept}).ok());
  EXPECT_FALSE(std::filesystem::exists(doomed));
  EXPECT_FALSE(std::filesystem::exists(old.string() + ".index")) << "no stamps without a backup";
  EXPECT_FALSE(std::filesystem::exists(old.string() + ".seq"));
  EXPECT_TRUE(std::filesystem::exists(kept));
  EXPECT_TRUE(std::filesystem::exists(kept.string() + ".index"));
}

TEST_F(BackupStoreTest, AClockSteppedBackChangesNotWhichBackupIsNewest) {
  std::filesystem::path first = *store_.Create("v2");
  clock_.Advance(-1h);  // NTP steps the clock back
  std::filesystem::path second = *store_.Create("v2");
  ASSERT_NE(first, second);
  EXPECT_EQ(*store_.Latest("v2"), second);
  clock_.Advance(-1h);
  std::filesystem::path third = *store_.Create("v3");
  ASSERT_TRUE(store_.Prune(1, {}).ok());
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_FALSE(std::filesystem::exists(second));
  EXPECT_TRUE(std::filesystem::exists(third)) << "the newest by sequence, the oldest by clock";
}

TEST_F(BackupStoreTest, BackupsOlderThanSequenceNumbersSortFirst) {
  std::filesystem::path legacy =
      dir_ / "home/nymvisor/backups/v2/backup-2099-01-01-000000000-preupgrade";
  WriteFile(legacy / "data/db.sqlite", "old");
  std::filesystem::path made = *store_.Create("v2");
  EXPECT_EQ(*store_.Latest("v2"), made);
  ASSERT_TRUE(store_.Prune(1, {}).ok());
  EXPECT_FALSE(std::filesystem::exists(legacy));
  EXPECT_TRUE(std::filesystem::exists(made));
}

TEST_F(BackupStoreTest, TellsWhetherTheHomeStillEqualsABackup) {
  // Issue 21, case 7: a resumed upgrade reuses its backup only then.
  std::filesystem::path backup = *store_.Create("v2");
  EXPECT_TRUE(*store_.HomeMatches(backup));
  WriteFile(dir_ / "home/nymvisor/upgrade-state.json", "{}");
  EXPECT_TRUE(*store_.HomeMatches(backup)) << "nymvisor's own files are not the node's data";
  WriteFile(dir_ / "home/data/wal", "written by the node");
  EXPECT_FALSE(*store_.HomeMatches(backup));
  std::filesystem::remove(dir_ / "home/data/wal");
  WriteFile(dir_ / "home/config/config.toml", "id = 'y'\n", 0640);  // the same size
  EXPECT_FALSE(*store_.HomeMatches(backup));
  std::filesystem::path other = *store_.Create("v3");
  std::filesystem::remove(other.string() + ".index");
  EXPECT_FALSE(*store_.HomeMatches(other)) << "without stamps nothing is proven";
}

TEST_F(BackupStoreTest, ExcludesNymvisorReachedThroughASymlinkedParent) {
  // Issue 21, case 10: the paths are compared by device and inode.
  std::filesystem::create_directory_symlink(dir_ / "home", dir_ / "alias");
  DirectoryBackupStore aliased(dir_ / "home", dir_ / "alias/nymvisor/backups",
                               {dir_ / "alias/nymvisor"}, clock_);
  std::string before = Tree(dir_ / "home");
  Result<std::filesystem::path> backup = aliased.Create("v2");
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_FALSE(std::filesystem::exists(*backup / "nymvisor")) << "the backup never enters itself";
  EXPECT_TRUE(std::filesystem::exists(*backup / "data/db.sqlite"));
  ASSERT_TRUE(aliased.Restore(*backup).ok());
  EXPECT_TRUE(std::filesystem::exists(dir_ / "home/nymvisor/current-version.json"))
      << "a restore leaves nymvisor's files alone";
  EXPECT_EQ(Tree(dir_ / "home"), before);
}

TEST_F(BackupStoreTest, SaysThatADataDirectoryBehindASymlinkIsNotCopied) {
  WriteFile(dir_ / "elsewhere/big.db", "data");
  std::filesystem::create_directory_symlink(dir_ / "elsewhere", dir_ / "home/storage");
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  ASSERT_TRUE(store_.Create("v2").ok());
  std::vector<std::string> notes = store_.TakeNotes();
  ASSERT_EQ(notes.size(), 1u) << "once per backup";
  EXPECT_NE(notes[0].find((dir_ / "home/storage").string() + " is a symlink to a directory"),
            std::string::npos)
      << notes[0];
  EXPECT_TRUE(store_.TakeNotes().empty());
}

/// Issue 21, case 10: what a restore (or the backup's own pass after the
/// stop) could not write back is refused by the pre-copy, while the node runs.
class PreflightTest : public BackupStoreTest {
 protected:
  void ExpectRefused(const std::filesystem::path& path, const std::string& fix) {
    Status st = store_.PreCopy("v2");
    ASSERT_FALSE(st.ok()) << path;
    EXPECT_NE(st.message().find(path.string()), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(fix), std::string::npos) << st.message();
    EXPECT_TRUE(Hidden(dir_ / "home/nymvisor/backups").empty()) << "the partial copy is removed";
  }
};

TEST_F(PreflightTest, RefusesADirectoryItsOwnerMayNotWrite) {
  WriteFile(dir_ / "home/data/ro/file", "x");
  ::chmod((dir_ / "home/data/ro").c_str(), 0555);
  ExpectRefused(dir_ / "home/data/ro", "chmod u+w");
  ::chmod((dir_ / "home/data/ro").c_str(), 0755);
}

TEST_F(PreflightTest, RefusesALargeFileItsOwnerMayNotWrite) {
  WriteFile(dir_ / "home/data/small", "x", 0444);
  EXPECT_TRUE(store_.PreCopy("v2").ok()) << "a small file is replaced, never written";
  WriteFile(dir_ / "home/data/big", std::string(kBlockDeltaMinSize, 'b'), 0444);
  ExpectRefused(dir_ / "home/data/big", "chmod u+w");
}

TEST_F(PreflightTest, RefusesAFileOfAnotherAccount) {
  WriteFile(dir_ / "home/data/theirs", "x");
  if (::geteuid() != 0 || ::chown((dir_ / "home/data/theirs").c_str(), 4242, ::getegid()) != 0) {
    GTEST_SKIP() << "needs root to give a file away";
  }
  ExpectRefused(dir_ / "home/data/theirs", "chown -h");
}

TEST(NymvisorPathsInHome, ExcludesNymvisorAndTopLevelCustomDirectories) {
  Config c = testing::NodeConfig("/h");
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
