#include "agent/generator/generator.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "agent/config/config_file.h"
#include "tests/support/config_builders.h"
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
  EXPECT_NE(node.find("Restart=on-failure\n"), std::string::npos) << "the default";
  EXPECT_NE(DropIn("nymvisor@mixnode.service").find("ReadWritePaths=-/var/lib/nym/mixnode\n"),
            std::string::npos);
}

TEST_F(GeneratorTest, AGithubTokenFileBecomesTheAgentsCredentialOnly) {
  WriteConfig("mixnode");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  EXPECT_EQ(DropIn("nymvisor@mixnode.service").find("LoadCredential=github-token"),
            std::string::npos)
      << "none without the file (a missing credential would fail the unit)";
  WriteFile(dir_ / "etc/mixnode.github-token", "ghp_secret\n", 0600);
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  std::string agent = DropIn("nymvisor@mixnode.service");
  EXPECT_NE(agent.find("LoadCredential=github-token:" +
                       (dir_ / "etc/mixnode.github-token").string() + "\n"),
            std::string::npos)
      << agent;
  EXPECT_EQ(agent.find("ghp_secret"), std::string::npos) << "the token itself is never written";
  EXPECT_EQ(DropIn("nymvisor-daemon@mixnode.service").find("github-token"), std::string::npos)
      << "the node never gets it";
}

TEST_F(GeneratorTest, TheEnvFileOverridesTheConfig) {
  WriteConfig("mixnode");
  WriteFile(dir_ / "etc/mixnode.env",
            "DAEMON_RESTART_ON_FAILURE=false\nDAEMON_FAILURE_RESTART_DELAY=2s\n");
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  std::string node = DropIn("nymvisor-daemon@mixnode.service");
  EXPECT_NE(node.find("Restart=no\n"), std::string::npos);
  EXPECT_NE(node.find("RestartSec=2s\n"), std::string::npos);
}

TEST_F(GeneratorTest, AnEnvFileCanPointAtAConfigElsewhere) {
  Config c = testing::NodeConfig("/srv/gw");
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

TEST_F(GeneratorTest, ABrokenInstanceIsBlockedFromStartingOthersStillGenerated) {
  WriteConfig("good");
  WriteFile(dir_ / "etc/bad.toml", "[daemon]\nname = 'x'\nunit = 'nym-node.service'\n");
  WriteFile(dir_ / "etc/worse.env", "not an assignment\n");
  std::vector<std::string> messages = GenerateUnits(paths_, files_);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].find("instance 'bad' is blocked from starting"), std::string::npos);
  EXPECT_NE(messages[0].find("missing required key 'daemon.home'"), std::string::npos);
  EXPECT_NE(messages[1].find("instance 'worse' is blocked from starting"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out/nymvisor-daemon@good.service.d"));
  for (const char* unit : {"nymvisor-daemon@bad.service", "nymvisor@bad.service",
                           "nym-node.service", "nymvisor-daemon@worse.service"}) {
    std::string blocked = DropIn(unit);
    EXPECT_NE(blocked.find("ExecStart=\nExecStart=/usr/bin/nymvisor refuse-start "),
              std::string::npos)
        << unit << ":\n"
        << blocked;
    EXPECT_NE(blocked.find("ExecStartPre=\n"), std::string::npos) << unit;
    EXPECT_NE(blocked.find("\nRestart=no\n"), std::string::npos) << unit;
    EXPECT_NE(blocked.find("\nEnvironment=\"NYMVISOR_BLOCKED_REASON="), std::string::npos) << unit;
  }
}

TEST(RenderBlockedDropIn, QuotesTheReasonForSystemd) {
  std::string dropin =
      RenderBlockedDropIn("x", "a \"quoted\" 100% \\ path\nsecond line", "/usr/bin/nymvisor");
  EXPECT_NE(dropin.find("Environment=\"NYMVISOR_BLOCKED_REASON=a \\\"quoted\\\" 100%% \\\\ path "
                        "second line\"\n"),
            std::string::npos)
      << dropin;
  EXPECT_EQ(dropin.find("\nsecond line"), std::string::npos) << "a newline never starts a line";
}

TEST_F(GeneratorTest, EveryKindOfBadEnvLineFailsClosed) {
  // Without a drop-in the node's unit would lose User= and run as root.
  const char* lines[] = {"DAEMON_MAX_STARTUP_FAILURES=-1\n",
                         "DAEMON_HOME=\"unterminated\n",
                         "DAEMON_HOME=\"bad \\q escape\"\n",
                         "DAEMON_UNSAFE_SKIP_BACKUP=maybe\n",
                         "just words\n",
                         "NYMVISOR_UPSTREAM_POLLING_RATE=1ns\n",
                         "DAEMON_HOME=/\n",
                         "DAEMON_NAME=\"a\\nb\"\n"};
  int i = 0;
  for (const char* line : lines) {
    std::string id = "n" + std::to_string(i++);
    WriteConfig(id);
    WriteFile(dir_ / "etc" / (id + ".env"), line);
  }
  std::vector<std::string> messages = GenerateUnits(paths_, files_);
  EXPECT_EQ(messages.size(), std::size(lines));
  for (int n = 0; n < i; ++n) {
    std::string unit = "nymvisor-daemon@n" + std::to_string(n) + ".service";
    std::string dropin = DropIn(unit);
    EXPECT_NE(dropin.find("refuse-start"), std::string::npos) << lines[n] << dropin;
    EXPECT_EQ(dropin.find("User="), std::string::npos) << lines[n];
  }
}

TEST(FindUnitKey, ReadsTheDaemonUnitOfAnUnparsableFile) {
  EXPECT_EQ(FindUnitKey("[daemon]\nunit = 'nym-node.service'\nhome = 5\n"), "nym-node.service");
  EXPECT_EQ(FindUnitKey("[daemon]\n  unit=\"a@b.service\"\n"), "a@b.service");
  EXPECT_EQ(FindUnitKey("[nymvisor]\nunit = 'x.service'\n"), std::nullopt) << "other tables";
  EXPECT_EQ(FindUnitKey("[daemon]\nunits = 'x'\n"), std::nullopt);
  EXPECT_EQ(FindUnitKey("[daemon]\nunit = 'not a unit'\n"), std::nullopt);
}

TEST_F(GeneratorTest, NothingToDoWithoutInstances) {
  EXPECT_TRUE(GenerateUnits(paths_, files_).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

}  // namespace
}  // namespace nymvisor
