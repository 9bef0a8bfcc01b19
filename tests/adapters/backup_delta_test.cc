// The backup's pre-copy and deltas: a backup taken with the node running,
// then brought up to date after the stop, must equal the home at the stop;
// a restore must make the home equal the backup, touching only what differs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "agent/adapters/directory_backup_store.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

constexpr size_t kMiB = 1 << 20;

/// Every entry under `root` but nymvisor/: type, mode, mtime and contents.
std::map<std::string, std::string> Digest(const stdfs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::end(it); ++it) {
    if (it->path().filename() == "nymvisor") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string line = std::to_string(st.st_mode) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode))
      line += " " + std::to_string(std::hash<std::string>{}(ReadFileOrDie(it->path())));
    if (S_ISLNK(st.st_mode)) line += " -> " + stdfs::read_symlink(it->path()).string();
    out[it->path().lexically_relative(root).string()] = line;
  }
  return out;
}

void Overwrite(const stdfs::path& path, size_t offset, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), offset), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

ino_t Inode(const stdfs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_ino;
}

class BackupDeltaTest : public ::testing::Test {
 protected:
  BackupDeltaTest()
      : clock_(*ParseTimestamp("2026-11-26T12:00:00Z")),
        store_(dir_ / "home", dir_ / "home/nymvisor/backups", {dir_ / "home/nymvisor"}, clock_) {
    WriteFile(dir_ / "home/config/config.toml", "id = 'x'\n", 0640);
    WriteFile(dir_ / "home/data/db", std::string(32 * kMiB, 'd'), 0600);
    for (int i = 0; i < 50; ++i) {
      WriteFile(dir_ / ("home/data/small/" + std::to_string(i)), "file " + std::to_string(i));
    }
    stdfs::create_symlink("data/db", dir_ / "home/db-link");
    WriteFile(dir_ / "home/nymvisor/current-version.json", "{}");
    WaitOutTheRacyWindow();  // the node wrote these long before the upgrade
  }

  /// Files changed within a second of a walk are compared again whatever
  /// their stamps say; ctime cannot be set, so let the time pass.
  void WaitOutTheRacyWindow() { std::this_thread::sleep_for(1100ms); }

  TempDir dir_;
  testing::FakeClock clock_;
  DirectoryBackupStore store_;
};

TEST_F(BackupDeltaTest, AfterAPreCopyOnlyWhatChangedIsCopiedAndTheBackupEqualsTheHome) {
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  EXPECT_EQ(store_.last_stats().files_copied, 52u);
  // The node keeps running: it writes, adds, removes and re-modes files.
  Overwrite(dir_ / "home/data/db", 20 * kMiB + 5, "changed");
  WriteFile(dir_ / "home/data/small/3", "rewritten");
  WriteFile(dir_ / "home/data/new", "new");
  stdfs::remove(dir_ / "home/data/small/7");
  ::chmod((dir_ / "home/config/config.toml").c_str(), 0600);
  stdfs::remove_all(dir_ / "home/config");
  WriteFile(dir_ / "home/config", "a file where a directory was");
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_EQ(Digest(*backup), Digest(dir_ / "home"));
  const CopyStats& delta = store_.last_stats();
  EXPECT_EQ(delta.files_patched, 1u) << "the database: only its changed block";
  EXPECT_EQ(delta.files_copied, 3u) << "small/3, new and config";
  EXPECT_LT(delta.bytes_written, 2 * kMiB);
  EXPECT_GE(delta.files_unchanged, 48u);
  EXPECT_TRUE(stdfs::exists(backup->string() + ".index"));
}

TEST_F(BackupDeltaTest, ABackupEqualsAHomeThatWasWrittenUpToTheStop) {
  std::atomic<bool> stop = false;
  std::thread node([&] {
    for (uint64_t i = 0; !stop; ++i) {
      Overwrite(dir_ / "home/data/db", (i * 7919 * 4096) % (31 * kMiB),
                "write " + std::to_string(i));
      WriteFile(dir_ / ("home/data/small/" + std::to_string(i % 50)), "v" + std::to_string(i));
      if (i % 10 == 0) WriteFile(dir_ / ("home/data/log-" + std::to_string(i)), "entry");
    }
  });
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  std::this_thread::sleep_for(50ms);
  stop = true;  // the node is stopped here
  node.join();
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok()) << backup.status().message();
  EXPECT_EQ(Digest(*backup), Digest(dir_ / "home")) << "every file as it was at the stop";
}

TEST_F(BackupDeltaTest, ARestoreRewritesOnlyWhatTheNewVersionChanged) {
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  auto at_backup = Digest(dir_ / "home");
  ino_t db_inode = Inode(dir_ / "home/data/db");
  WaitOutTheRacyWindow();
  // The new version migrates: one block of the database, a file, a new table.
  Overwrite(dir_ / "home/data/db", 3 * kMiB, "migrated");
  WriteFile(dir_ / "home/data/small/1", "migrated");
  WriteFile(dir_ / "home/data/new-table", "rows");
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_EQ(Digest(dir_ / "home"), at_backup);
  EXPECT_EQ(Inode(dir_ / "home/data/db"), db_inode) << "patched in place, not copied";
  EXPECT_EQ(store_.last_stats().files_patched, 1u);
  EXPECT_LT(store_.last_stats().bytes_written, 2 * kMiB);
  EXPECT_GE(store_.last_stats().files_unchanged, 49u);
  EXPECT_EQ(ReadFileOrDie(dir_ / "home/nymvisor/current-version.json"), "{}");
}

TEST_F(BackupDeltaTest, ADirectoryWithItsTimeSetBackIsStillSeenToHaveChanged) {
  // An unchanged directory is not listed on the other side; its stamp holds
  // the ctime, which a new version cannot set back along with the mtime.
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  auto at_backup = Digest(dir_ / "home");
  struct stat before {};
  ASSERT_EQ(::lstat((dir_ / "home/data/small").c_str(), &before), 0);
  WaitOutTheRacyWindow();
  WriteFile(dir_ / "home/data/small/added", "by the new version");
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir_ / "home/data/small").c_str(), times, 0), 0);
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_FALSE(stdfs::exists(dir_ / "home/data/small/added"));
  EXPECT_EQ(Digest(dir_ / "home"), at_backup);
}

TEST_F(BackupDeltaTest, ARestoreWithoutAnIndexComparesEverything) {
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  auto at_backup = Digest(dir_ / "home");
  stdfs::remove(backup->string() + ".index");
  Overwrite(dir_ / "home/data/db", 3 * kMiB, "migrated");
  WriteFile(dir_ / "home/data/small/1", "migrated");
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_EQ(Digest(dir_ / "home"), at_backup);
}

TEST_F(BackupDeltaTest, UnchangedFilesAreLinkedFromThePreviousBackupWhichNeverChanges) {
  Result<stdfs::path> first = store_.Create("v2");
  ASSERT_TRUE(first.ok());
  auto first_digest = Digest(*first);
  clock_.Advance(1min);
  WriteFile(dir_ / "home/data/small/2", "changed");
  Result<stdfs::path> second = store_.Create("v3");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Digest(*second), Digest(dir_ / "home"));
  EXPECT_EQ(Inode(*second / "data/db"), Inode(*first / "data/db")) << "linked";
  EXPECT_NE(Inode(*second / "data/small/2"), Inode(*first / "data/small/2")) << "copied";
  EXPECT_EQ(store_.last_stats().files_linked, 51u);
  // A restore copies out: writing the restored home leaves both backups alone.
  ASSERT_TRUE(store_.Restore(*first).ok());
  EXPECT_NE(Inode(dir_ / "home/data/db"), Inode(*first / "data/db"));
  Overwrite(dir_ / "home/data/db", 0, "after the restore");
  WriteFile(dir_ / "home/data/small/5", "after the restore");
  ASSERT_TRUE(store_.Create("v4").ok());
  EXPECT_EQ(Digest(*first), first_digest);
}

TEST_F(BackupDeltaTest, ASparseFileStaysSparseInTheBackupAndTheRestore) {
  int fd = ::open((dir_ / "home/data/sparse").c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_EQ(::ftruncate(fd, 4LL << 30), 0);  // 4 GiB, nothing allocated
  ASSERT_EQ(::pwrite(fd, "x", 1, 1LL << 30), 1);
  ::close(fd);
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  struct stat st {};
  ::stat((*backup / "data/sparse").c_str(), &st);
  EXPECT_EQ(st.st_size, 4LL << 30);
  EXPECT_LT(st.st_blocks * 512, 1LL << 20);
  stdfs::remove(dir_ / "home/data/sparse");
  ASSERT_TRUE(store_.Restore(*backup).ok());
  ::stat((dir_ / "home/data/sparse").c_str(), &st);
  EXPECT_EQ(st.st_size, 4LL << 30);
  EXPECT_LT(st.st_blocks * 512, 1LL << 20);
}

TEST_F(BackupDeltaTest, ARestoreReplacesASymlinkPlantedForADirectoryAndWritesNothingThrough) {
  Result<stdfs::path> backup = store_.Create("v2");
  ASSERT_TRUE(backup.ok());
  auto at_backup = Digest(dir_ / "home");
  WriteFile(dir_ / "elsewhere/db", "theirs");
  stdfs::remove_all(dir_ / "home/data");
  stdfs::create_directory_symlink(dir_ / "elsewhere", dir_ / "home/data");
  ASSERT_TRUE(store_.Restore(*backup).ok());
  EXPECT_EQ(Digest(dir_ / "home"), at_backup);
  EXPECT_FALSE(stdfs::is_symlink(dir_ / "home/data"));
  EXPECT_EQ(ReadFileOrDie(dir_ / "elsewhere/db"), "theirs") << "nothing written through the link";
  EXPECT_EQ(std::distance(stdfs::directory_iterator(dir_ / "elsewhere"), {}), 1);
}

TEST_F(BackupDeltaTest, APreCopyForAnotherUpgradeIsNotUsed) {
  ASSERT_TRUE(store_.PreCopy("v2").ok());
  WriteFile(dir_ / "home/data/small/4", "changed");
  Result<stdfs::path> backup = store_.Create("v3");
  ASSERT_TRUE(backup.ok());
  EXPECT_EQ(Digest(*backup), Digest(dir_ / "home"));
  EXPECT_TRUE(stdfs::is_empty(dir_ / "home/nymvisor/backups/v2")) << "its partial is cleared";
}

}  // namespace
}  // namespace nymvisor
