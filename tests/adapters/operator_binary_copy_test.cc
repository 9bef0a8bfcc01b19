#include "agent/adapters/operator_binary_copy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

struct stat StatOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

class OperatorBinaryCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "staging is what root does";
  }
  TempDir dir_;  // root's, 0700
};

TEST_F(OperatorBinaryCopyTest, CopiesToARootDirectoryTheAccountMayEnterButNotChange) {
  WriteFile(dir_ / "nym-node", "#!/bin/sh\necho hi\n", 0600);
  fs::path staged_path;
  {
    Result<std::unique_ptr<OperatorBinaryCopy>> staged =
        OperatorBinaryCopy::Stage(dir_ / "nym-node", "nobody");
    ASSERT_TRUE(staged.ok()) << staged.status().message();
    staged_path = (*staged)->path();
    EXPECT_NE(staged_path, dir_ / "nym-node");
    EXPECT_EQ(ReadFileOrDie(staged_path), "#!/bin/sh\necho hi\n");
    struct stat file = StatOf(staged_path);
    EXPECT_EQ(file.st_uid, 0u);
    EXPECT_EQ(file.st_mode & 07777, 0755u);
    struct stat dir = StatOf(staged_path.parent_path());
    EXPECT_EQ(dir.st_uid, 0u);
    EXPECT_EQ(dir.st_mode & 07777, 0711u) << "others may enter, not list or write";
  }
  EXPECT_FALSE(fs::exists(staged_path)) << "removed with the object";
  EXPECT_FALSE(fs::exists(staged_path.parent_path()));
}

TEST_F(OperatorBinaryCopyTest, ASymlinkTheAccountPlantedGainsItNothing) {
  // The account's directory holds a link to a file only root may read: read
  // as the account, it fails; read as root it would pass through the
  // account's directory, which root does not trust.
  WriteFile(dir_ / "private/secret", "root only", 0600);
  fs::create_directories(dir_ / "theirs");
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chown((dir_ / "theirs").c_str(), 65534, 65534), 0);
  fs::create_symlink(dir_ / "private/secret", dir_ / "theirs/nym-node");
  Result<std::unique_ptr<OperatorBinaryCopy>> staged =
      OperatorBinaryCopy::Stage(dir_ / "theirs/nym-node", "nobody");
  ASSERT_FALSE(staged.ok());
  EXPECT_NE(staged.status().message().find("cannot be read by 'nobody'"), std::string::npos)
      << staged.status().message();
  EXPECT_NE(staged.status().message().find("theirs belongs to uid 65534"), std::string::npos)
      << staged.status().message();
}

TEST_F(OperatorBinaryCopyTest, RootFollowsNoSymlinkEvenInItsOwnDirectories) {
  WriteFile(dir_ / "real-node", "x", 0700);
  fs::create_symlink(dir_ / "real-node", dir_ / "nym-node");
  Result<std::unique_ptr<OperatorBinaryCopy>> staged =
      OperatorBinaryCopy::Stage(dir_ / "nym-node", "nobody");
  ASSERT_FALSE(staged.ok());
  EXPECT_NE(staged.status().message().find("nym-node is a symlink"), std::string::npos)
      << staged.status().message();
}

TEST_F(OperatorBinaryCopyTest, AMissingSourceIsNamed) {
  Result<std::unique_ptr<OperatorBinaryCopy>> staged =
      OperatorBinaryCopy::Stage(dir_ / "absent", "nobody");
  ASSERT_FALSE(staged.ok());
  EXPECT_NE(staged.status().message().find((dir_ / "absent").string()), std::string::npos);
}

TEST_F(OperatorBinaryCopyTest, ForRootNothingIsCopied) {
  WriteFile(dir_ / "nym-node", "x", 0755);
  Result<std::unique_ptr<OperatorBinaryCopy>> staged =
      OperatorBinaryCopy::Stage(dir_ / "nym-node", "root");
  ASSERT_TRUE(staged.ok());
  EXPECT_EQ((*staged)->path(), dir_ / "nym-node");
}

}  // namespace
}  // namespace nymvisor
