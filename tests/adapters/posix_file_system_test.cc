#include "agent/adapters/posix_file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "agent/ports/file_system.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

class RealFileSystemTest : public ::testing::Test {
 protected:
  TempDir dir_;
  RealFileSystem files_;
};

TEST_F(RealFileSystemTest, AtomicWriteReplacesContentAndSetsMode) {
  auto path = dir_ / "f.json";
  ASSERT_TRUE(files_.WriteFileAtomic(path, "one", 0600).ok());
  ASSERT_TRUE(files_.WriteFileAtomic(path, "two", 0644).ok());
  EXPECT_EQ(*files_.ReadFile(path), "two");
  EXPECT_EQ(files_.Stat(path)->mode, 0644u);
  EXPECT_EQ(files_.ListDirectory(dir_.path())->size(), 1u) << "no temp files left behind";
}

TEST_F(RealFileSystemTest, MissingFilesAreNotFound) {
  EXPECT_TRUE(files_.ReadFile(dir_ / "nope").status().IsNotFound());
  EXPECT_TRUE(files_.Stat(dir_ / "nope").status().IsNotFound());
  EXPECT_FALSE(Exists(files_, dir_ / "nope"));
  EXPECT_NE(files_.ReadFile(dir_ / "nope").status().message().find("nope"), std::string::npos);
}

TEST_F(RealFileSystemTest, WriteIntoMissingDirectoryFailsCleanly) {
  Status st = files_.WriteFileAtomic(dir_ / "no/such/dir/f", "x", 0644);
  EXPECT_FALSE(st.ok());
}

TEST_F(RealFileSystemTest, CopyKeepsContentAndMode) {
  WriteFile(dir_ / "src", std::string(3 << 20, 'z'), 0751);
  ASSERT_TRUE(files_.CopyFile(dir_ / "src", dir_ / "dst").ok());
  EXPECT_EQ(ReadFileOrDie(dir_ / "dst").size(), 3u << 20);
  EXPECT_EQ(files_.Stat(dir_ / "dst")->mode, 0751u);
}

TEST_F(RealFileSystemTest, SymlinksAreReplacedAtomically) {
  std::filesystem::create_directories(dir_ / "a");
  std::filesystem::create_directories(dir_ / "b");
  ASSERT_TRUE(files_.ReplaceSymlink(dir_ / "current", dir_ / "a").ok());
  EXPECT_EQ(*files_.ReadSymlink(dir_ / "current"), (dir_ / "a").string());
  ASSERT_TRUE(files_.ReplaceSymlink(dir_ / "current", dir_ / "b").ok());
  EXPECT_EQ(*files_.ReadSymlink(dir_ / "current"), (dir_ / "b").string());
  EXPECT_EQ(files_.Stat(dir_ / "current")->type, FileInfo::Type::kSymlink);
  EXPECT_EQ(files_.Stat(dir_ / "current", true)->type, FileInfo::Type::kDirectory);
}

TEST_F(RealFileSystemTest, CreateDirectoriesIsIdempotentAndRefusesFiles) {
  ASSERT_TRUE(files_.CreateDirectories(dir_ / "x/y/z", 0755).ok());
  ASSERT_TRUE(files_.CreateDirectories(dir_ / "x/y/z", 0755).ok());
  WriteFile(dir_ / "file", "");
  EXPECT_FALSE(files_.CreateDirectories(dir_ / "file", 0755).ok());
}

TEST_F(RealFileSystemTest, ListRemoveAndOwner) {
  WriteFile(dir_ / "d/b", "");
  WriteFile(dir_ / "d/a", "");
  EXPECT_EQ(*files_.ListDirectory(dir_ / "d"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(files_.OwnerName(dir_ / "d").ok());
  ASSERT_TRUE(files_.RemoveAll(dir_ / "d").ok());
  EXPECT_FALSE(Exists(files_, dir_ / "d"));
  EXPECT_TRUE(files_.RemoveAll(dir_ / "d").ok());
}

TEST_F(RealFileSystemTest, LockIsExclusiveUntilReleased) {
  auto first = files_.LockExclusive(dir_ / "lock", std::chrono::milliseconds(100));
  ASSERT_TRUE(first.ok());
  auto second = files_.LockExclusive(dir_ / "lock", std::chrono::milliseconds(100));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("locked by another nymvisor process"),
            std::string::npos);
  first->reset();
  EXPECT_TRUE(files_.LockExclusive(dir_ / "lock", std::chrono::milliseconds(100)).ok());
}

}  // namespace
}  // namespace nymvisor
