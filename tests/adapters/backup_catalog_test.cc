#include "agent/adapters/backup_catalog.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(BackupCatalog, OrdersBySequenceThenByName) {
  TempDir dir;
  std::filesystem::path a = dir.path() / "v1/backup-2030-01-01-000000000-preupgrade";
  std::filesystem::path b = dir.path() / "v2/backup-2020-01-01-000000000-preupgrade";
  std::filesystem::path legacy = dir.path() / "v3/backup-2040-01-01-000000000-preupgrade";
  for (const auto& path : {a, b, legacy}) std::filesystem::create_directories(path);
  ASSERT_TRUE(SaveSequence(a, 7).ok());
  ASSERT_TRUE(SaveSequence(b, 12).ok());
  EXPECT_EQ(CompleteBackups(dir.path()), (std::vector<std::filesystem::path>{legacy, a, b}));
  EXPECT_EQ(NextSequence(dir.path()), 13u);
  EXPECT_EQ(SequenceOf(legacy), 0u);
}

TEST(BackupCatalog, RemovesLeftoversButTheCopyInUse) {
  TempDir dir;
  std::filesystem::path complete = dir.path() / "v1/backup-1-preupgrade";
  std::filesystem::create_directories(complete);
  WriteFile(complete.string() + ".index", "stamps");
  WriteFile(dir.path() / "v1/backup-2-preupgrade.index", "orphan");
  WriteFile(dir.path() / "v1/backup-2-preupgrade.seq", "3\n");
  WriteFile(dir.path() / "v1/.backup-3.partial/file", "half");
  WriteFile(dir.path() / "v2/.backup-4.partial/file", "in use");
  WriteFile(dir.path() / "v2/.backup-0-preupgrade.deleting/file", "half removed");
  RemoveLeftovers(dir.path(), dir.path() / "v2/.backup-4.partial");
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    left.push_back(entry.path().lexically_relative(dir.path()).string());
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"v1", "v1/backup-1-preupgrade",
                                            "v1/backup-1-preupgrade.index", "v2",
                                            "v2/.backup-4.partial", "v2/.backup-4.partial/file"}));
}

TEST(BackupCatalog, RemoveBackupTakesItsStampsAndNumberWithIt) {
  TempDir dir;
  std::filesystem::path backup = dir.path() / "v1/backup-1-preupgrade";
  WriteFile(backup / "data/file", "x");
  WriteFile(backup.string() + ".index", "stamps");
  ASSERT_TRUE(SaveSequence(backup, 1).ok());
  ASSERT_TRUE(RemoveBackup(backup).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "v1"));
}

}  // namespace
}  // namespace nymvisor
