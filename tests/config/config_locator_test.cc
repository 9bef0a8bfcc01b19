#include "agent/config/config_locator.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
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
  EXPECT_NE(many.status().message().find("choose one with --id ID (or set NYMVISOR_ID=ID)"),
            std::string::npos)
      << many.status().message();
}

TEST_F(ConfigLocatorTest, OneInstanceNamedOnceOrConsistentlyPasses) {
  EXPECT_TRUE(CheckOneInstance({}).ok());
  EXPECT_TRUE(CheckOneInstance({.asked = "a", .env_id = "a"}).ok());
  EXPECT_TRUE(CheckOneInstance({.asked = "a", .config_path = "/c.toml", .file_id = "a"}).ok());
  EXPECT_TRUE(CheckOneInstance({.env_id = "a", .config_path = "/c.toml", .file_id = "a"}).ok());
  EXPECT_TRUE(CheckOneInstance({.asked = "a", .config_path = "/c.toml"}).ok())
      << "a file that names no id (or cannot be read) is judged when it is loaded";
}

TEST_F(ConfigLocatorTest, AFlagAndTheIdVariableThatDisagreeAreRefusedNamingBoth) {
  Status st = CheckOneInstance({.asked = "gateway", .env_id = "mixnode"});
  ASSERT_TRUE(st.IsRefused());
  EXPECT_EQ(st.reason(), kOtherInstanceReason);
  EXPECT_EQ(
      st.message(),
      "--id asks for instance 'gateway' but NYMVISOR_ID is 'mixnode'; nymvisor acts on one "
      "instance only: unset NYMVISOR_ID (env -u NYMVISOR_ID nymvisor ...), or drop --id to use "
      "'mixnode'");
}

TEST_F(ConfigLocatorTest, AFlagAndTheConfigPathsInstanceThatDisagreeAreRefusedNamingBoth) {
  Status st = CheckOneInstance(
      {.asked = "gateway", .config_path = "/etc/nymvisor/mixnode.toml", .file_id = "mixnode"});
  ASSERT_TRUE(st.IsRefused());
  EXPECT_EQ(st.message(),
            "--id asks for instance 'gateway' but NYMVISOR_CONFIG_PATH "
            "(/etc/nymvisor/mixnode.toml) is the config of instance 'mixnode'; nymvisor acts on "
            "one instance only: unset NYMVISOR_CONFIG_PATH to use the config of 'gateway', or "
            "drop --id to use 'mixnode'");
  st = CheckOneInstance({.asked = "nope",
                         .asked_by = "'nymvisor exec nope'",
                         .asked_by_exec = true,
                         .config_path = "/m.toml",
                         .file_id = "mixnode"});
  EXPECT_NE(st.message().find("or run 'nymvisor exec mixnode'"), std::string::npos) << st.message();
  st = CheckOneInstance({.env_id = "gateway", .config_path = "/m.toml", .file_id = "mixnode"});
  ASSERT_TRUE(st.IsRefused());
  EXPECT_NE(st.message().find("NYMVISOR_ID asks for instance 'gateway' but NYMVISOR_CONFIG_PATH "
                              "(/m.toml) is the config of instance 'mixnode'"),
            std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace nymvisor
