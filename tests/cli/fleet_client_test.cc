#include "agent/cli/fleet_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/adapters/real_file_system.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {
namespace {

Config FleetConfig(const std::string& credential) {
  Config config = DefaultConfig("nym-node");
  config.nymvisor.id = "mixnode";
  config.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379", "http://127.0.0.1:2380"};
  config.nymvisor.fleet_group = "eu";
  config.nymvisor.fleet_credential = credential;
  return config;
}

class FleetClientTest : public ::testing::Test {
 protected:
  FleetCredentialLookup Lookup() {
    return FleetCredentialLookup{.credstores = {dir_ / "etc-credstore", dir_ / "run-credstore"}};
  }
  TempDir dir_;
  RealFileSystem files_;
};

TEST_F(FleetClientTest, TakesTheConfigsEndpointsAndTlsFiles) {
  Config config = FleetConfig("nymvisor-fleet");
  config.nymvisor.fleet_endpoints = {"https://127.0.0.1:2379"};
  config.nymvisor.fleet_ca_file = "/etc/nymvisor/etcd-ca.pem";
  config.nymvisor.fleet_cert_file = "/etc/nymvisor/etcd.pem";
  config.nymvisor.fleet_key_file = "/etc/nymvisor/etcd.key";
  Result<EtcdGatewayOptions> o = BuildFleetClientOptions(config, files_, Lookup());
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->endpoints, config.nymvisor.fleet_endpoints);
  EXPECT_EQ(o->ca_file, "/etc/nymvisor/etcd-ca.pem");
  EXPECT_EQ(o->cert_file, "/etc/nymvisor/etcd.pem");
  EXPECT_EQ(o->key_file, "/etc/nymvisor/etcd.key");
}

TEST_F(FleetClientTest, AMissingNamedCredentialMeansNoLogin) {
  Result<EtcdGatewayOptions> o =
      BuildFleetClientOptions(FleetConfig("nymvisor-fleet"), files_, Lookup());
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_FALSE(o->credentials.has_value());
  EXPECT_NE(o->credentials_source.find("no credential 'nymvisor-fleet' (looked in " +
                                       (dir_ / "etc-credstore").string() + ", " +
                                       (dir_ / "run-credstore").string() + ")"),
            std::string::npos)
      << o->credentials_source;
}

TEST_F(FleetClientTest, FindsANamedCredentialWhereSystemdWould) {
  WriteFile(dir_ / "run-credstore/nymvisor-fleet", "nymvisor\nsecret\n", 0600);
  WriteFile(dir_ / "unit-creds/nymvisor-fleet", "agent\nunit-secret\n", 0400);
  Result<EtcdGatewayOptions> o =
      BuildFleetClientOptions(FleetConfig("nymvisor-fleet"), files_, Lookup());
  ASSERT_TRUE(o.ok()) << o.status().message();
  ASSERT_TRUE(o->credentials.has_value());
  EXPECT_EQ(o->credentials->user, "nymvisor");
  EXPECT_EQ(o->credentials->password, "secret");
  EXPECT_EQ(o->credentials_source, (dir_ / "run-credstore/nymvisor-fleet").string());
  FleetCredentialLookup in_unit = Lookup();
  in_unit.credentials_directory = dir_ / "unit-creds";
  Result<EtcdGatewayOptions> unit =
      BuildFleetClientOptions(FleetConfig("nymvisor-fleet"), files_, in_unit);
  ASSERT_TRUE(unit.ok()) << unit.status().message();
  EXPECT_EQ(unit->credentials->user, "agent") << "the unit's own credential comes first";
}

TEST_F(FleetClientTest, RefusesACredentialOthersMayRead) {
  WriteFile(dir_ / "fleet.cred", "nymvisor\nsecret\n", 0644);
  Result<EtcdGatewayOptions> o =
      BuildFleetClientOptions(FleetConfig((dir_ / "fleet.cred").string()), files_, Lookup());
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("mode 0644"), std::string::npos) << o.status().message();
  EXPECT_NE(o.status().message().find("chmod 0600 " + (dir_ / "fleet.cred").string()),
            std::string::npos)
      << o.status().message();
}

TEST_F(FleetClientTest, AnAbsoluteCredentialMustExistAndParse) {
  std::string path = (dir_ / "fleet.cred").string();
  Result<EtcdGatewayOptions> missing = BuildFleetClientOptions(FleetConfig(path), files_, Lookup());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("fleet_credential names " + path +
                                            ", which does not "
                                            "exist"),
            std::string::npos)
      << missing.status().message();
  WriteFile(path, "nymvisor:secret\n", 0600);
  Result<EtcdGatewayOptions> one_line =
      BuildFleetClientOptions(FleetConfig(path), files_, Lookup());
  ASSERT_FALSE(one_line.ok());
  EXPECT_NE(one_line.status().message().find("the user on its first line"), std::string::npos)
      << one_line.status().message();
}

TEST(ExplainFleetError, NamesWhatToLookAt) {
  FleetErrorContext context{.config_path = "/etc/nymvisor/mixnode.toml",
                            .options = {.endpoints = {"http://127.0.0.1:1", "http://127.0.0.1:2"},
                                        .credentials_source = "no credential 'nymvisor-fleet' "
                                                              "(looked in /etc/credstore)"},
                            .group = "eu"};
  Status down = ExplainFleetError(EtcdStatus(EtcdError::kUnreachable, "refused"), context);
  EXPECT_TRUE(down.IsUnavailable());
  EXPECT_NE(down.message().find("http://127.0.0.1:1, http://127.0.0.1:2"), std::string::npos);
  EXPECT_NE(down.message().find("fleet_endpoints in /etc/nymvisor/mixnode.toml"),
            std::string::npos);
  Status no_login = ExplainFleetError(EtcdStatus(EtcdError::kUnauthenticated, "401"), context);
  EXPECT_NE(no_login.message().find("no credential 'nymvisor-fleet' (looked in /etc/credstore)"),
            std::string::npos)
      << no_login.message();
  context.options.credentials = EtcdCredentials{.user = "nymvisor", .password = "pw"};
  context.options.credentials_source = "/etc/credstore/nymvisor-fleet";
  Status refused = ExplainFleetError(EtcdStatus(EtcdError::kUnauthenticated, "401"), context);
  EXPECT_NE(refused.message().find("check the user (first line) and the password (second line) "
                                   "in /etc/credstore/nymvisor-fleet"),
            std::string::npos)
      << refused.message();
  Status no_auth = ExplainFleetError(
      EtcdStatus(EtcdError::kOther, "HTTP 412 (etcdserver: authentication is not enabled)"),
      context);
  EXPECT_NE(no_auth.message().find("has authentication disabled, but "
                                   "/etc/credstore/nymvisor-fleet gives user 'nymvisor'"),
            std::string::npos)
      << no_auth.message();
  EXPECT_EQ(refused.message().find("pw"), std::string::npos) << "never the password";
  Status denied = ExplainFleetError(EtcdStatus(EtcdError::kPermissionDenied, "403"), context);
  EXPECT_NE(denied.message().find("'nymvisor'"), std::string::npos) << denied.message();
  EXPECT_NE(denied.message().find("nymvisor/fleet/eu/"), std::string::npos) << denied.message();
  EXPECT_NE(denied.message().find("etcdctl role grant-permission"), std::string::npos);
  Status lost = EtcdLeaseLost(7);
  EXPECT_EQ(EtcdErrorOf(ExplainFleetError(lost, context)), EtcdError::kLeaseNotFound);
}

}  // namespace
}  // namespace nymvisor::testing
