#include "agent/cli/fleet_cli.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/decide/fleet_view.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/fake_etcd.h"

namespace nymvisor::testing {
namespace {

/// Hands the CLI a client of the test's one FakeEtcd.
class SharedEtcd : public Etcd {
 public:
  explicit SharedEtcd(Etcd& etcd) : etcd_(etcd) {}
  Result<EtcdRangeResult> Range(const EtcdRange& r) override { return etcd_.Range(r); }
  Result<EtcdTxnResult> Txn(const EtcdTxn& t) override { return etcd_.Txn(t); }
  Result<EtcdPutResult> Put(const EtcdPut& p) override { return etcd_.Put(p); }
  Result<EtcdDeleteResult> DeleteRange(const EtcdDelete& d) override {
    return etcd_.DeleteRange(d);
  }
  Result<EtcdLease> GrantLease(int64_t ttl) override { return etcd_.GrantLease(ttl); }
  Result<int64_t> KeepAlive(int64_t id) override { return etcd_.KeepAlive(id); }
  Status RevokeLease(int64_t id) override { return etcd_.RevokeLease(id); }
  Result<int64_t> TimeToLive(int64_t id) override { return etcd_.TimeToLive(id); }

 private:
  Etcd& etcd_;
};

class FleetCliTest : public CliFixture {
 protected:
  FleetCliTest() : etcd_(clock_), keys_(*FleetKeys::For("eu")) {
    connect_etcd_ = [this](const EtcdGatewayOptions& options) -> std::unique_ptr<Etcd> {
      options_ = options;
      return std::make_unique<SharedEtcd>(etcd_);
    };
  }
  int InitFleet() {
    return Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                "--fleet-endpoints", "http://127.0.0.1:2379", "--fleet-group", "eu",
                "--fleet-credential", (dir_ / "no-such.cred").string(), node_});
  }

  FakeEtcd etcd_;
  FleetKeys keys_;
  EtcdGatewayOptions options_;
};

TEST_F(FleetCliTest, WithoutAFleetSaysWhichKeyToSet) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_EQ(Run({"fleet", "status"}), 1);
  EXPECT_NE(err_.str().find("instance 'mixnode' has no fleet: fleet_endpoints is not set in " +
                            (dir_ / "etc/mixnode.toml").string()),
            std::string::npos)
      << err_.str();
}

TEST_F(FleetCliTest, BadFlagsAreUsageErrors) {
  ASSERT_EQ(InitMixnode(), 0) << err_.str();
  EXPECT_EQ(Run({"fleet"}), 2) << err_.str();
  EXPECT_EQ(Run({"fleet", "halt"}), 2) << err_.str();
  EXPECT_NE(err_.str().find("error: nymvisor fleet halt: --version is required\n"
                            "Usage: nymvisor fleet halt [OPTIONS]"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"fleet", "--id", "mixnode", "stauts"}), 2) << err_.str();
  EXPECT_NE(err_.str().find("unknown command 'stauts' of 'nymvisor fleet'; its commands are "
                            "status, clear-halt, halt"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"fleet", "clear-halt", "--version", "1.2.0", "--all"}), 2) << err_.str();
  EXPECT_EQ(Run({"fleet", "status", "--bogus"}), 2) << err_.str();
}

TEST_F(FleetCliTest, HaltStatusAndClearThroughTheCommandLine) {
  ASSERT_EQ(InitFleet(), 0) << err_.str();
  // fleet_credential names a file that is not there: refused before etcd.
  EXPECT_EQ(Run({"fleet", "status"}), 1);
  EXPECT_NE(err_.str().find("fleet_credential names"), std::string::npos) << err_.str();
  WriteFile(dir_ / "no-such.cred", "nymvisor\nsecret\n", 0600);

  ASSERT_EQ(Run({"fleet", "halt", "--id", "mixnode", "--version", "1.2.0", "--reason", "bad"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("halted 1.2.0 in group eu"), std::string::npos) << out_.str();
  EXPECT_EQ(options_.endpoints, std::vector<std::string>{"http://127.0.0.1:2379"});
  EXPECT_EQ(options_.credentials->user, "nymvisor");

  ASSERT_EQ(Run({"fleet", "status", "-o", "json"}), 0) << err_.str();
  nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["group"], "eu");
  EXPECT_EQ(j["halts"][0]["reason"], "bad");

  ASSERT_EQ(Run({"fleet", "status"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("nymvisor fleet clear-halt --id mixnode --version 1.2.0"),
            std::string::npos)
      << out_.str();

  ASSERT_EQ(Run({"fleet", "clear-halt"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("cleared the halt of 1.2.0 in group eu"), std::string::npos)
      << out_.str();
  ASSERT_EQ(Run({"fleet", "clear-halt"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("no halt"), std::string::npos) << out_.str();
}

TEST_F(FleetCliTest, AnUnreachableEtcdNamesTheEndpoints) {
  ASSERT_EQ(InitFleet(), 0) << err_.str();
  WriteFile(dir_ / "no-such.cred", "nymvisor\nsecret\n", 0600);
  etcd_.SetDown(true);
  EXPECT_EQ(Run({"fleet", "status"}), 1);
  EXPECT_NE(err_.str().find("etcd did not answer at http://127.0.0.1:2379"), std::string::npos)
      << err_.str();
}

}  // namespace
}  // namespace nymvisor::testing
