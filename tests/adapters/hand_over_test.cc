#include "agent/adapters/hand_over.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

constexpr uid_t kNobody = 65534;

uid_t OwnerOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_uid;
}

class HandOverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
    fs::create_directories(dir_ / "home/nymvisor/genesis/bin");
    WriteFile(dir_ / "home/nymvisor/genesis/bin/nym-node", "binary", 0755);
    WriteFile(dir_ / "home/nymvisor/upgrade-plan.json", "{}");
    fs::create_directory_symlink(dir_ / "home/nymvisor/genesis", dir_ / "home/nymvisor/current");
  }
  fs::path Top() const { return dir_ / "home/nymvisor"; }
  TempDir dir_;
};

TEST_F(HandOverTest, GivesARootTreeToTheAccountSymlinksIncluded) {
  Result<int> changed = HandOverTree(Top(), kNobody, kNobody);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(*changed, 6);
  for (const char* rel :
       {"", "genesis", "genesis/bin", "genesis/bin/nym-node", "upgrade-plan.json", "current"}) {
    EXPECT_EQ(OwnerOf(Top() / rel), kNobody) << rel;
  }
  EXPECT_EQ(OwnerOf(dir_ / "home/nymvisor/genesis/bin/nym-node"), kNobody);
  EXPECT_EQ(*HandOverTree(Top(), kNobody, kNobody), 0) << "a second run changes nothing";
}

TEST_F(HandOverTest, RefusesASymlinkInPlaceOfTheDirectory) {
  fs::create_directories(dir_ / "elsewhere");
  WriteFile(dir_ / "elsewhere/secret", "root's");
  fs::rename(Top(), dir_ / "home/old");
  fs::create_directory_symlink(dir_ / "elsewhere", Top());
  Result<int> changed = HandOverTree(Top(), kNobody, kNobody);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.status().message().find(Top().string() + " is a symlink"), std::string::npos)
      << changed.status().message();
  EXPECT_EQ(OwnerOf(dir_ / "elsewhere/secret"), 0u);
  EXPECT_EQ(OwnerOf(dir_ / "elsewhere"), 0u);
}

TEST_F(HandOverTest, RefusesASymlinkHigherUpThePath) {
  fs::rename(dir_ / "home", dir_ / "real-home");
  fs::create_directory_symlink(dir_ / "real-home", dir_ / "home");
  Result<int> changed = HandOverTree(Top(), kNobody, kNobody);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.status().message().find((dir_ / "home").string() + " is a symlink"),
            std::string::npos)
      << changed.status().message();
  EXPECT_EQ(OwnerOf(dir_ / "real-home/nymvisor"), 0u);
}

TEST_F(HandOverTest, NeverWorksInsideWhatOthersControl) {
  // A directory the account already owns is its own: root does not enter it,
  // even where something of root's sits inside.
  fs::create_directories(Top() / "upgrades/planted");
  WriteFile(Top() / "upgrades/planted/root-file", "x");
  ASSERT_EQ(::chown((Top() / "upgrades/planted").c_str(), kNobody, kNobody), 0);
  // Root's but group-writable: someone else may change it meanwhile.
  fs::create_directories(Top() / "shared");
  WriteFile(Top() / "shared/inside", "x");
  ASSERT_EQ(::chmod((Top() / "shared").c_str(), 0775), 0);
  // A root file with a second name elsewhere is left alone.
  ASSERT_EQ(
      ::link((dir_ / "home/nymvisor/upgrade-plan.json").c_str(), (dir_ / "second-name").c_str()),
      0);
  ASSERT_TRUE(HandOverTree(Top(), kNobody, kNobody).ok());
  EXPECT_EQ(OwnerOf(Top() / "upgrades/planted/root-file"), 0u);
  EXPECT_EQ(OwnerOf(Top() / "shared"), 0u);
  EXPECT_EQ(OwnerOf(Top() / "shared/inside"), 0u);
  EXPECT_EQ(OwnerOf(dir_ / "second-name"), 0u);
  EXPECT_EQ(OwnerOf(Top() / "upgrades"), kNobody);
}

TEST_F(HandOverTest, AStickyDirectoryLikeAFreshTmpfsIsHandedOver) {
  fs::create_directories(dir_ / "backups");
  ASSERT_EQ(::chmod((dir_ / "backups").c_str(), 01777), 0);
  WriteFile(dir_ / "backups/old", "x");
  ASSERT_TRUE(HandOverTree(dir_ / "backups", kNobody, kNobody).ok());
  EXPECT_EQ(OwnerOf(dir_ / "backups"), kNobody);
  EXPECT_EQ(OwnerOf(dir_ / "backups/old"), kNobody);
  ASSERT_EQ(::chown((dir_ / "backups").c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod((dir_ / "backups").c_str(), 0777), 0);
  Result<int> open = HandOverTree(dir_ / "backups", kNobody, kNobody);
  ASSERT_FALSE(open.ok()) << "writable by all and not sticky: refused";
  EXPECT_NE(open.status().message().find("not sticky"), std::string::npos);
}

TEST_F(HandOverTest, AlreadyHandedOverIsLeftAsItIs) {
  ASSERT_EQ(::chown(Top().c_str(), kNobody, kNobody), 0);
  Result<int> changed = HandOverTree(Top(), kNobody, kNobody);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 0);
  EXPECT_EQ(OwnerOf(Top() / "upgrade-plan.json"), 0u) << "contents go first, so a top of the "
                                                         "account's means it is done";
}

}  // namespace
}  // namespace nymvisor
