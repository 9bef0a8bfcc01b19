#include "agent/config/config_locator.h"

#include <gtest/gtest.h>

#include "agent/adapters/posix_file_system.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

class ConfigLocatorTest : public ::testing::Test {
 protected:
  LocatorContext Ctx(bool root, std::map<std::string, std::string> env = {}) {
    env.emplace("HOME", (dir_ / "home").string());
    return MakeLocatorContext(EnvFromMap(env), root, dir_ / "etc");
  }
  std::filesystem::path UserPath(const std::string& id) {
    return dir_ / "home/.nym/nymvisors/instances" / id / "config/config.toml";
  }

  TempDir dir_;
  RealFileSystem files_;
};

TEST_F(ConfigLocatorTest, InitWritesToEtcAsRootAndHomeOtherwise) {
  EXPECT_EQ(InitConfigPath(Ctx(true), "mixnode"), dir_ / "etc/mixnode.toml");
  EXPECT_EQ(InitConfigPath(Ctx(false), "mixnode"), UserPath("mixnode"));
  EXPECT_EQ(InitConfigPath(Ctx(true, {{"NYMVISOR_CONFIG_PATH", "/x.toml"}}), "m"), "/x.toml");
}

TEST_F(ConfigLocatorTest, NymHomeDirReplacesHome) {
  LocatorContext ctx = Ctx(false, {{"NYM_HOME_DIR", "/nymhome"}});
  EXPECT_EQ(InitConfigPath(ctx, "a"), "/nymhome/.nym/nymvisors/instances/a/config/config.toml");
}

TEST_F(ConfigLocatorTest, ConfigPathVariableWinsEvenIfMissing) {
  WriteFile(dir_ / "etc/a.toml", "");
  auto found = LocateConfig(
      Ctx(true, {{"NYMVISOR_CONFIG_PATH", "/nowhere.toml"}, {"NYMVISOR_ID", "a"}}), files_);
  EXPECT_EQ(*found, "/nowhere.toml");
}

TEST_F(ConfigLocatorTest, IdLooksInEtcThenHomeForRoot) {
  WriteFile(UserPath("a"), "");
  EXPECT_EQ(*LocateConfig(Ctx(true, {{"NYMVISOR_ID", "a"}}), files_), UserPath("a"));
  WriteFile(dir_ / "etc/a.toml", "");
  EXPECT_EQ(*LocateConfig(Ctx(true, {{"NYMVISOR_ID", "a"}}), files_), dir_ / "etc/a.toml");
  EXPECT_EQ(*LocateConfig(Ctx(false, {{"NYMVISOR_ID", "a"}}), files_), UserPath("a"));
}

TEST_F(ConfigLocatorTest, UnknownIdListsWhereItLooked) {
  Result<std::filesystem::path> found = LocateConfig(Ctx(true, {{"NYMVISOR_ID", "zz"}}), files_);
  ASSERT_FALSE(found.ok());
  EXPECT_TRUE(found.status().IsNotFound());
  EXPECT_NE(found.status().message().find((dir_ / "etc/zz.toml").string()), std::string::npos);
  EXPECT_NE(found.status().message().find(UserPath("zz").string()), std::string::npos);
}

TEST_F(ConfigLocatorTest, SingletonRuleUsesTheOnlyInstance) {
  WriteFile(dir_ / "etc/only.toml", "");
  WriteFile(dir_ / "etc/only.env", "");
  EXPECT_EQ(*LocateConfig(Ctx(true), files_), dir_ / "etc/only.toml");
  std::filesystem::create_directories(UserPath("u").parent_path());
  EXPECT_EQ(*LocateConfig(Ctx(false), files_), UserPath("u"));
}

TEST_F(ConfigLocatorTest, SingletonRuleRefusesSeveralOrNone) {
  Result<std::filesystem::path> none = LocateConfig(Ctx(true), files_);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no nymvisor instance found"), std::string::npos);
  WriteFile(dir_ / "etc/a.toml", "");
  WriteFile(dir_ / "etc/b.toml", "");
  Result<std::filesystem::path> many = LocateConfig(Ctx(true), files_);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("found 2 nymvisor instances"), std::string::npos);
  EXPECT_NE(many.status().message().find("set NYMVISOR_ID"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
