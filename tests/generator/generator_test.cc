#include "agent/generator/generator.h"

#include <gtest/gtest.h>

#include "agent/adapters/posix_file_system.h"
#include "agent/config/config_file.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

class GeneratorTest : public ::testing::Test {
 protected:
  GeneratorTest() {
    paths_.etc_dir = dir_ / "etc";
    paths_.output_dir = dir_ / "out";
  }
  void WriteConfig(const std::string& id, const std::string& unit = "") {
    Config c = DefaultConfig("nym-node");
    c.nymvisor.id = "ignored-by-the-generator";
    c.daemon.home = "/var/lib/nym/" + id;
    c.daemon.unit = unit;
    c.daemon.user = "nym";
    WriteFile(dir_ / "etc" / (id + ".toml"), RenderConfigToml(c), 0600);
  }
  std::string DropIn(const std::string& unit) {
    return ReadFileOrDie(dir_ / "out" / (unit + ".d") / "50-nymvisor.conf");
  }

  TempDir dir_;
  RealFileSystem files_;
  GeneratorPaths paths_;
};

TEST_F(GeneratorTest, WritesDropInsForTheNodeAndTheAgent) {
  WriteConfig("mixnode");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  std::string node = DropIn("nymvisor-daemon@mixnode.service");
  EXPECT_NE(node.find("User=nym\n"), std::string::npos);
  EXPECT_NE(node.find("Restart=no\n"), std::string::npos);
  EXPECT_NE(DropIn("nymvisor@mixnode.service").find("ReadWritePaths=-/var/lib/nym/mixnode\n"),
            std::string::npos);
}

TEST_F(GeneratorTest, TheEnvFileOverridesTheConfig) {
  WriteConfig("mixnode");
  WriteFile(dir_ / "etc/mixnode.env",
            "DAEMON_RESTART_ON_FAILURE=true\nDAEMON_FAILURE_RESTART_DELAY=2s\n");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  std::string node = DropIn("nymvisor-daemon@mixnode.service");
  EXPECT_NE(node.find("Restart=on-failure\n"), std::string::npos);
  EXPECT_NE(node.find("RestartSec=2s\n"), std::string::npos);
}

TEST_F(GeneratorTest, AnEnvFileCanPointAtAConfigElsewhere) {
  Config c = DefaultConfig("nym-node");
  c.daemon.home = "/srv/gw";
  WriteFile(dir_ / "elsewhere.toml", RenderConfigToml(c));
  WriteFile(dir_ / "etc/gw.env",
            "NYMVISOR_CONFIG_PATH=" + (dir_ / "elsewhere.toml").string() + "\n");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  EXPECT_NE(DropIn("nymvisor-daemon@gw.service")
                .find("LoadCredential=nymvisor.toml:" + (dir_ / "elsewhere.toml").string()),
            std::string::npos);
}

TEST_F(GeneratorTest, AnOperatorsUnitGetsExecAndTheTemplateInstanceIsDisabled) {
  WriteConfig("mixnode", "nym-node.service");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  EXPECT_NE(DropIn("nym-node.service").find("ExecStart=/usr/bin/nymvisor exec mixnode\n"),
            std::string::npos);
  EXPECT_NE(DropIn("nymvisor-daemon@mixnode.service").find("ConditionPathExists=/nonexistent"),
            std::string::npos);
}

TEST_F(GeneratorTest, ABrokenInstanceIsReportedAndSkippedOthersStillGenerated) {
  WriteConfig("good");
  WriteFile(dir_ / "etc/bad.toml", "[daemon]\nname = 'x'\n");
  WriteFile(dir_ / "etc/worse.env", "not an assignment\n");
  std::vector<std::string> messages = GenerateUnits(paths_, files_);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].find("instance 'bad' skipped"), std::string::npos);
  EXPECT_NE(messages[0].find("missing required key 'daemon.home'"), std::string::npos);
  EXPECT_NE(messages[1].find("instance 'worse' skipped"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out/nymvisor-daemon@good.service.d"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/nymvisor-daemon@bad.service.d"));
}

TEST_F(GeneratorTest, NothingToDoWithoutInstances) {
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

}  // namespace
}  // namespace nymvisor
