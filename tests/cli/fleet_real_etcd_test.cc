// Needs a real etcd (Debian's etcd-server and etcd-client): the ctest FleetCliRealEtcd
// (label "etcd") runs this binary, which starts one etcd on free loopback
// ports (ended by its PID) and runs the real `nymvisor fleet ...` binary
// against a group it populated, as an operator would, mistakes included.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "agent/adapters/etcd_gateway.h"
#include "agent/decide/fleet_keys.h"
#include "agent/decide/fleet_view.h"
#include "tests/support/etcd_process.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kOther[] = "gateway@fedcba9876543210fedcba9876543210";
constexpr char kGone[] = "mixnode@00000000000000000000000000000001";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class FleetRealEtcd : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = etcd_.Start();
    ASSERT_TRUE(started.ok()) << started.message() << "\n" << etcd_.LogTail();
    gateway_ = std::make_unique<EtcdGateway>(
        EtcdGatewayOptions{.endpoints = {etcd_.endpoint()}, .call_timeout = 2s});
    Status ready;
    for (int i = 0; i < 100; ++i) {
      ready = gateway_->Range({.key = "ready"}).status();
      if (ready.ok()) break;
      std::this_thread::sleep_for(200ms);
    }
    ASSERT_TRUE(ready.ok()) << ready.message() << "\n" << etcd_.LogTail();
    WriteConfig("fleet.toml",
                "fleet_endpoints = ['" + etcd_.endpoint() +
                    "']\nfleet_group = 'eu'\nfleet_credential = 'nymvisor-test-none'\n");
    WriteConfig("alone.toml", "");
  }

  void WriteConfig(const std::string& name, const std::string& fleet) {
    WriteFile(dir_ / name,
              "[nymvisor]\nid = 'mixnode'\n" + fleet + "\n[daemon]\nname = 'nym-node'\nhome = '" +
                  (dir_ / "home").string() + "'\n",
              0600);
  }

  /// Runs the real binary with `config` as NYMVISOR_CONFIG_PATH.
  Outcome Nymvisor(const std::string& config, const std::string& args) {
    std::string command = "NYMVISOR_CONFIG_PATH='" + (dir_ / config).string() +
                          "' CREDENTIALS_DIRECTORY='" + dir_.path().string() + "' '" +
                          NYMVISOR_BINARY + "' " + args + " >'" + (dir_ / "out").string() +
                          "' 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(command.c_str());
    return Outcome{.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                   .out = ReadAll(dir_ / "out"),
                   .err = ReadAll(dir_ / "err")};
  }

  /// What other agents of the group left: a holder, a done mark and an
  /// orphan progress mark (its holder's slot lease expired).
  void Populate() {
    FleetKeys keys = *FleetKeys::For("eu");
    Timestamp now = *ParseTimestamp("2026-12-01T12:00:00Z");
    Result<EtcdLease> lease = gateway_->GrantLease(60);
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    ASSERT_TRUE(gateway_
                    ->Put({.key = keys.Slot(kOther),
                           .value = FleetSlotValue("1.2.0", now, false),
                           .lease = lease->id})
                    .ok());
    ASSERT_TRUE(
        gateway_->Put({.key = keys.Done("1.1.9", kOther), .value = FleetDoneValue(false, now)})
            .ok());
    ASSERT_TRUE(
        gateway_->Put({.key = keys.Progress(kGone), .value = FleetProgressValue("1.3.0", now)})
            .ok());
  }

  TempDir dir_;
  EtcdProcess etcd_;
  std::unique_ptr<EtcdGateway> gateway_;
};

TEST_F(FleetRealEtcd, AnOperatorWatchesHaltsAndResumesAGroup) {
  ASSERT_NO_FATAL_FAILURE(Populate());
  Outcome halt = Nymvisor("fleet.toml", "fleet halt --version 1.2.0 --reason 'canary broke'");
  ASSERT_EQ(halt.exit_code, 0) << halt.err;
  EXPECT_NE(halt.out.find("halted 1.2.0 in group eu"), std::string::npos) << halt.out;
  Outcome twice = Nymvisor("fleet.toml", "fleet halt --version 1.2.0");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("1.2.0 is already halted in group eu"), std::string::npos) << twice.err;

  Outcome status = Nymvisor("fleet.toml", "fleet status --id mixnode");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(std::string("1. holding  ") + kOther), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("canary broke"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("ALL versions are halted"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("1.1.9: 1 host"), std::string::npos) << status.out;

  Outcome json = Nymvisor("fleet.toml", "fleet status -o json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["halts"].size(), 2u) << json.out;
  EXPECT_TRUE(j["holder"].get<std::string>().starts_with("mixnode@")) << json.out;

  Outcome guess = Nymvisor("fleet.toml", "fleet clear-halt");
  EXPECT_EQ(guess.exit_code, 2) << guess.err;
  EXPECT_NE(guess.err.find("several halts (1.2.0, 1.3.0)"), std::string::npos) << guess.err;

  Outcome one = Nymvisor("fleet.toml", "fleet clear-halt --version 1.2.0");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("cleared the halt of 1.2.0 in group eu"), std::string::npos) << one.out;
  Outcome all = Nymvisor("fleet.toml", "fleet clear-halt --all");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("cleared the halt of 1.3.0 in group eu and 1 orphan progress mark"),
            std::string::npos)
      << all.out;
  Outcome after = Nymvisor("fleet.toml", "fleet status -o json");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_FALSE(nlohmann::json::parse(after.out)["halted"].get<bool>()) << after.out;
}

TEST_F(FleetRealEtcd, MistakesAreNamed) {
  Outcome typo = Nymvisor("fleet.toml", "fleet clear-halt --versoin 1.2.0");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--versoin"), std::string::npos) << typo.err;
  Outcome both = Nymvisor("fleet.toml", "fleet clear-halt --version 1.2.0 --all");
  EXPECT_EQ(both.exit_code, 2) << both.err;
  Outcome alone = Nymvisor("alone.toml", "fleet status");
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.err.find("has no fleet: fleet_endpoints is not set in " +
                           (dir_ / "alone.toml").string()),
            std::string::npos)
      << alone.err;
  std::string endpoint = etcd_.endpoint();
  etcd_.Stop();
  Outcome down = Nymvisor("fleet.toml", "fleet status");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("etcd did not answer at " + endpoint), std::string::npos) << down.err;
}

/// etcdctl (Debian's etcd-client) as etcd's root user, once auth is on.
int Etcdctl(const std::string& endpoint, const std::string& args) {
  std::string command = "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint + " --user root:rootpw " +
                        args + " >/dev/null 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(FleetRealEtcd, ALoginProblemNamesTheCredentialAndTheUser) {
  std::string e = etcd_.endpoint();
  // Before auth is on, --user is ignored: set up root, a fleet role and a
  // user whose role covers another prefix only.
  for (const char* step :
       {"user add root:rootpw", "user grant-role root root", "role add other",
        "role grant-permission other --prefix=true readwrite other/", "user add limited:pw2",
        "user grant-role limited other", "auth enable"}) {
    ASSERT_EQ(Etcdctl(e, step), 0) << "etcdctl " << step << " (install etcd-client)";
  }
  WriteConfig("fleet.toml", "fleet_endpoints = ['" + e +
                                "']\nfleet_group = 'eu'\nfleet_credential = '" +
                                (dir_ / "fleet.cred").string() + "'\n");
  WriteFile(dir_ / "fleet.cred", "limited\nwrong\n", 0600);
  Outcome wrong = Nymvisor("fleet.toml", "fleet status");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("user \"limited\""), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("check the user (first line) and the password (second line) in " +
                           (dir_ / "fleet.cred").string()),
            std::string::npos)
      << wrong.err;
  WriteFile(dir_ / "fleet.cred", "limited\npw2\n", 0600);
  Outcome denied = Nymvisor("fleet.toml", "fleet status");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("etcd denied the etcd user 'limited' (credential " +
                            (dir_ / "fleet.cred").string() + ") access to nymvisor/fleet/eu/"),
            std::string::npos)
      << denied.err;
  WriteConfig("fleet.toml",
              "fleet_endpoints = ['" + e +
                  "']\nfleet_group = 'eu'\nfleet_credential = 'nymvisor-test-none'\n");
  Outcome none = Nymvisor("fleet.toml", "fleet status");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("etcd wants a login and nymvisor has none: no credential "
                          "'nymvisor-test-none' (looked in " +
                          dir_.path().string() + ", /etc/credstore"),
            std::string::npos)
      << none.err;
}

}  // namespace
}  // namespace nymvisor::testing
