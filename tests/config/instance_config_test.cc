#include "agent/config/instance_config.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

class LoadConfigFileTest : public ::testing::Test {
 protected:
  Result<LoadedConfig> Load(const std::string& text, std::map<std::string, std::string> env = {}) {
    WriteFile(dir_ / "x.toml", text);
    return LoadConfigFile(dir_ / "x.toml", EnvFromMap(std::move(env)), files_);
  }
  std::string Path() const { return (dir_ / "x.toml").string(); }

  TempDir dir_;
  RealFileSystem files_;
};

TEST_F(LoadConfigFileTest, AnInvalidValueNamesTheFileLineAndKey) {
  Result<LoadedConfig> loaded = Load("[daemon]\nname = 'nym-node'\nhome = 'rel/home'\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            Path() + ":3: daemon.home: 'rel/home' must be an absolute path");
}

TEST_F(LoadConfigFileTest, AnInvalidValueFromTheEnvironmentNamesTheVariable) {
  Result<LoadedConfig> loaded =
      Load("[daemon]\nname = 'nym-node'\nhome = '/h'\n", {{"NYMVISOR_ID", "../x"}});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message().rfind("environment variable NYMVISOR_ID: nymvisor.id: ", 0),
            0u)
      << loaded.status().message();
}

TEST_F(LoadConfigFileTest, AnInvalidUnitNameNamesItsLine) {
  Result<LoadedConfig> loaded = Load("[daemon]\nname = 'nym-node'\nhome = '/h'\nunit = 'x'\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            Path() +
                ":4: daemon.unit: 'x' is not a systemd service name (letters, digits and "
                ":-_.\\@, ending in .service, an instance after '@')");
}

TEST_F(LoadConfigFileTest, EnvironmentOverridesTheFile) {
  Result<LoadedConfig> loaded =
      Load("[daemon]\nname = 'nym-node'\nhome = '/h'\n", {{"DAEMON_HOME", "/elsewhere"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config.daemon.home, "/elsewhere");
  EXPECT_EQ(loaded->path, dir_ / "x.toml");
}

}  // namespace
}  // namespace nymvisor
