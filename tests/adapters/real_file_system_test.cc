#include "agent/adapters/real_file_system.h"

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

TEST_F(RealFileSystemTest, AFifoOrADeviceIsRefusedInsteadOfHanging) {
  auto fifo = dir_ / "plan.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<std::string> r = files_.ReadFile(fifo);  // no writer: a blocking open would hang
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is not a regular file"), std::string::npos);
  EXPECT_FALSE(files_.ReadFile("/dev/zero").ok()) << "it would never end";
  EXPECT_FALSE(files_.ReadTrusted("/dev/zero").ok());
  EXPECT_FALSE(files_.ReadFile(dir_.path()).ok());
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

TEST_F(RealFileSystemTest, PlantedSymlinksAreNeverWrittenThrough) {
  WriteFile(dir_ / "victim", "keep me", 0600);
  std::filesystem::create_symlink(dir_ / "victim", dir_ / "upgrade.lock");
  Result<std::unique_ptr<FileLock>> lock =
      files_.LockExclusive(dir_ / "upgrade.lock", std::chrono::milliseconds(100));
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("upgrade.lock is a symlink; refusing to follow it"),
            std::string::npos)
      << lock.status().message();
  std::filesystem::create_symlink(dir_ / "victim", dir_ / "nym-node.tmp");
  Result<std::unique_ptr<WritableFile>> temp =
      files_.OpenForAppend(dir_ / "nym-node.tmp", 0755, /*truncate=*/true);
  ASSERT_FALSE(temp.ok());
  EXPECT_NE(temp.status().message().find("nym-node.tmp is a symlink"), std::string::npos);
  ASSERT_EQ(::link((dir_ / "victim").c_str(), (dir_ / "hard.tmp").c_str()), 0);
  temp = files_.OpenForAppend(dir_ / "hard.tmp", 0755, /*truncate=*/true);
  ASSERT_FALSE(temp.ok());
  EXPECT_NE(temp.status().message().find("hard link"), std::string::npos);
  EXPECT_EQ(ReadFileOrDie(dir_ / "victim"), "keep me");
  struct stat st {};
  ::stat((dir_ / "victim").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RealFileSystemTest, RootReadsAConfigOnlyWhereRootAloneCanChangeIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "the check is for root";
  WriteFile(dir_ / "etc/mixnode.toml", "[daemon]\n", 0640);
  EXPECT_TRUE(files_.ReadTrusted(dir_ / "etc/mixnode.toml").ok());
  std::filesystem::create_symlink(dir_ / "etc/mixnode.toml", dir_ / "etc/link.toml");
  Result<std::string> text = files_.ReadTrusted(dir_ / "etc/link.toml");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("link.toml is a symlink"), std::string::npos)
      << text.status().message();
  ASSERT_EQ(::chown((dir_ / "etc/mixnode.toml").c_str(), 65534, 65534), 0);
  text = files_.ReadTrusted(dir_ / "etc/mixnode.toml");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("belongs to uid 65534"), std::string::npos);
  ASSERT_EQ(::chown((dir_ / "etc/mixnode.toml").c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod((dir_ / "etc").c_str(), 0777), 0);
  text = files_.ReadTrusted(dir_ / "etc/mixnode.toml");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("may be written by accounts other than root"),
            std::string::npos)
      << text.status().message();
  ASSERT_EQ(::chmod((dir_ / "etc").c_str(), 0755), 0);
  EXPECT_TRUE(files_.ReadTrusted(dir_ / "etc/absent.toml").status().IsNotFound());
}

}  // namespace
}  // namespace nymvisor
