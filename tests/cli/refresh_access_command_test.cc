#include "agent/cli/refresh_access_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/adapters/real_file_system.h"
#include "agent/config/instance_config.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

class AccessFilesTest : public ::testing::Test {
 protected:
  AccessFilesTest() {
    paths_.etc_dir = dir_ / "etc/nymvisor";
    paths_.dbus_dir = dir_ / "etc/dbus-1/system.d";
    paths_.polkit_rules_dir = dir_ / "etc/polkit-1/rules.d";
    paths_.polkit_actions = dir_ / "usr/share/polkit-1/actions/net.nymtech.nymvisor1.policy";
    paths_.polkit_template = dir_ / "usr/share/nymvisor/net.nymtech.nymvisor1.policy";
    WriteFile(paths_.polkit_template,
              "<policyconfig>\n  <action id=\"a\">\n  </action>\n</policyconfig>\n");
    config_ = DefaultConfig("nym-node");
    config_.nymvisor.id = "mixnode";
    config_.daemon.home = (dir_ / "home").string();
    config_.daemon.user = "nobody";
    std::filesystem::create_directories(dir_ / "home/nymvisor/genesis");
    config_path_ = paths_.etc_dir / "mixnode.toml";
    EXPECT_TRUE(SaveConfigFile(config_, config_path_, files_).ok());
  }
  uid_t OwnerOf(const std::filesystem::path& p) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    return st.st_uid;
  }
  TempDir dir_;
  RealFileSystem files_;
  AccessPaths paths_;
  Config config_;
  std::filesystem::path config_path_;
};

TEST_F(AccessFilesTest, AnUnprivilegedAgentGetsItsNameItsUnitAndItsFiles) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  Result<std::vector<std::string>> notes = RefreshAccess(paths_, config_, config_path_, files_);
  ASSERT_TRUE(notes.ok()) << notes.status().message();
  std::string bus = ReadFileOrDie(paths_.dbus_dir / "net.nymtech.Nymvisor1.mixnode.conf");
  EXPECT_NE(bus.find("<policy user=\"nobody\">"), std::string::npos) << bus;
  std::string rule = ReadFileOrDie(paths_.polkit_rules_dir / "60-nymvisor-mixnode.rules");
  EXPECT_NE(rule.find("nymvisor-daemon@mixnode.service"), std::string::npos) << rule;
  EXPECT_NE(ReadFileOrDie(paths_.polkit_actions).find("unix-user:nobody"), std::string::npos);
  EXPECT_EQ(OwnerOf(dir_ / "home/nymvisor/genesis"), 65534u) << "nymvisor's files are the agent's";
  struct stat st {};
  ::stat(config_path_.c_str(), &st);
  EXPECT_EQ(st.st_uid, 0u) << "the config stays root's";
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "readable by the agent's group, writable by root only";
  EXPECT_EQ(notes->size(), 3u);
  EXPECT_TRUE(RefreshAccess(paths_, config_, config_path_, files_)->empty()) << "idempotent";
}

TEST_F(AccessFilesTest, BackToRootRemovesTheGrants) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ASSERT_TRUE(RefreshAccess(paths_, config_, config_path_, files_).ok());
  config_.daemon.user = "root";
  ASSERT_TRUE(SaveConfigFile(config_, config_path_, files_).ok());
  Result<std::vector<std::string>> notes = RefreshAccess(paths_, config_, config_path_, files_);
  ASSERT_TRUE(notes.ok()) << notes.status().message();
  std::string bus = ReadFileOrDie(paths_.dbus_dir / "net.nymtech.Nymvisor1.mixnode.conf");
  EXPECT_EQ(bus.find("allow own"), std::string::npos) << "root owns it by the package's policy";
  EXPECT_NE(bus.find("send_destination"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(paths_.polkit_rules_dir / "60-nymvisor-mixnode.rules"));
  EXPECT_EQ(ReadFileOrDie(paths_.polkit_actions).find("policykit.owner"), std::string::npos);
  // Root does not take the tree back from the account; it says how to.
  EXPECT_NE(OwnerOf(dir_ / "home/nymvisor/genesis"), 0u);
  bool told = false;
  for (const std::string& n : *notes)
    told = told || n.find("chown -R root:root") != std::string::npos;
  EXPECT_TRUE(told);
}

TEST_F(AccessFilesTest, RefreshAllCoversEveryInstanceAndReportsBrokenOnes) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  WriteFile(paths_.etc_dir / "broken.toml", "[daemon]\nhome = 5\n");
  std::vector<std::string> notes = RefreshAllAccess(paths_, files_);
  bool broken = false;
  for (const std::string& n : notes) broken = broken || n.find("instance 'broken' skipped") == 0;
  EXPECT_TRUE(broken);
  EXPECT_TRUE(std::filesystem::exists(paths_.dbus_dir / "net.nymtech.Nymvisor1.mixnode.conf"));
}

}  // namespace
}  // namespace nymvisor
