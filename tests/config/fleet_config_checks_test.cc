// The fleet keys' checks: inert defaults without endpoints, an error naming
// the key (and saying what to write) for anything else.
#include "agent/config/fleet_config_checks.h"

#include <gtest/gtest.h>

#include "agent/config/config_keys.h"
#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

Config Off() { return testing::NodeConfig("/var/lib/nym/node"); }

Config On() {
  Config c = Off();
  c.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379", "https://10.0.0.5:2379/"};
  c.nymvisor.fleet_group = "mixnodes-eu";
  return c;
}

/// The message of the first error ValidateConfig reports.
std::string Error(const Config& c) { return ValidateConfig(c).message(); }

bool Mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FleetConfigChecks, DefaultsAreInertAndValid) {
  EXPECT_TRUE(ValidateConfig(Off()).ok()) << Error(Off());
  EXPECT_TRUE(ValidateConfig(On()).ok()) << Error(On());
  Config full = On();
  full.nymvisor.fleet_max_unavailable = 3;
  full.nymvisor.fleet_canary = true;
  full.nymvisor.fleet_soak = 2h;
  full.nymvisor.fleet_endpoints = {"https://10.0.0.5:2379", "https://[::1]:2379"};
  full.nymvisor.fleet_ca_file = "/etc/nymvisor/etcd-ca.pem";
  full.nymvisor.fleet_cert_file = "/etc/nymvisor/client.pem";
  full.nymvisor.fleet_key_file = "/etc/nymvisor/client.key";
  full.nymvisor.fleet_credential = "/etc/nymvisor/fleet.cred";
  full.nymvisor.fleet_on_unreachable = "proceed";
  EXPECT_TRUE(ValidateConfig(full).ok()) << Error(full);
}

TEST(FleetConfigChecks, EverySetFleetKeyWithoutEndpointsIsAnErrorNamingIt) {
  std::vector<std::pair<std::string, void (*)(Config&)>> set = {
      {"fleet_group", [](Config& c) { c.nymvisor.fleet_group = "eu"; }},
      {"fleet_max_unavailable", [](Config& c) { c.nymvisor.fleet_max_unavailable = 2; }},
      {"fleet_canary", [](Config& c) { c.nymvisor.fleet_canary = true; }},
      {"fleet_soak", [](Config& c) { c.nymvisor.fleet_soak = 1h; }},
      {"fleet_ca_file", [](Config& c) { c.nymvisor.fleet_ca_file = "/etc/ca.pem"; }},
      {"fleet_cert_file",
       [](Config& c) {
         c.nymvisor.fleet_cert_file = "/etc/c.pem";
         c.nymvisor.fleet_key_file = "/etc/c.key";
       }},
      {"fleet_credential", [](Config& c) { c.nymvisor.fleet_credential = "other"; }},
      {"fleet_on_unreachable", [](Config& c) { c.nymvisor.fleet_on_unreachable = "proceed"; }},
  };
  for (const auto& [name, spoil] : set) {
    Config c = Off();
    spoil(c);
    std::string message = Error(c);
    EXPECT_TRUE(message.starts_with("nymvisor." + name +
                                    ": is set but nymvisor.fleet_endpoints "
                                    "is empty"))
        << message;
    EXPECT_TRUE(Mentions(message, "or remove " + name)) << message;
    const ConfigKey* key = FindConfigKey("nymvisor", name);
    ASSERT_NE(key, nullptr) << name;
    EXPECT_EQ(KeyOfError(ValidateConfig(c)), key) << message;
  }
}

TEST(FleetConfigChecks, EachBadValueIsRefusedSayingWhatToWrite) {
  struct Bad {
    std::string key;
    void (*spoil)(Config&);
    std::string says;
  };
  const std::vector<Bad> bad = {
      {"fleet_endpoints", [](Config& c) { c.nymvisor.fleet_endpoints = {"etcd:2379"}; },
       "http(s)://host:port"},
      {"fleet_endpoints",
       [](Config& c) {
         c.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379", "ftp://h/"};
       },
       "ftp://h/"},
      {"fleet_endpoints",
       [](Config& c) { c.nymvisor.fleet_endpoints = {"http://u:secret@127.0.0.1:2379"}; },
       "fleet_credential"},
      {"fleet_endpoints",
       [](Config& c) { c.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379/v3/kv"}; },
       "only scheme, host and port"},
      {"fleet_endpoints",
       [](Config& c) { c.nymvisor.fleet_endpoints = {"http://127.0.0.1:2379?x=1"}; },
       "only scheme, host and port"},
      {"fleet_endpoints", [](Config& c) { c.nymvisor.fleet_ca_file = "/etc/ca.pem"; },
       "'http://127.0.0.1:2379' is not https"},
      {"fleet_group", [](Config& c) { c.nymvisor.fleet_group = ""; },
       "is required when fleet_endpoints is set"},
      {"fleet_group", [](Config& c) { c.nymvisor.fleet_group = "eu/west"; }, "'eu/west'"},
      {"fleet_group", [](Config& c) { c.nymvisor.fleet_group = ".."; }, "not . or .."},
      {"fleet_max_unavailable", [](Config& c) { c.nymvisor.fleet_max_unavailable = 0; },
       "at least 1"},
      {"fleet_key_file",
       [](Config& c) {
         c.nymvisor.fleet_endpoints = {"https://h:2379"};
         c.nymvisor.fleet_cert_file = "/etc/c.pem";
       },
       "is empty but fleet_cert_file is set"},
      {"fleet_cert_file",
       [](Config& c) {
         c.nymvisor.fleet_endpoints = {"https://h:2379"};
         c.nymvisor.fleet_cert_file = "c.pem";
         c.nymvisor.fleet_key_file = "/etc/c.key";
       },
       "absolute path"},
      {"fleet_cert_file",
       [](Config& c) {
         c.nymvisor.fleet_endpoints = {"https://h:2379"};
         c.nymvisor.fleet_key_file = "/etc/c.key";
       },
       "set both or neither"},
      {"fleet_ca_file",
       [](Config& c) {
         c.nymvisor.fleet_endpoints = {"https://h:2379"};
         c.nymvisor.fleet_ca_file = "ca.pem";
       },
       "absolute path"},
      {"fleet_credential", [](Config& c) { c.nymvisor.fleet_credential = ""; }, "nymvisor-fleet"},
      {"fleet_credential", [](Config& c) { c.nymvisor.fleet_credential = "etc/fleet.cred"; },
       "LoadCredential="},
      {"fleet_credential", [](Config& c) { c.nymvisor.fleet_credential = "user:password"; },
       "never give the etcd user and password here"},
      {"fleet_on_unreachable", [](Config& c) { c.nymvisor.fleet_on_unreachable = "retry"; },
       "neither wait"},
  };
  for (const Bad& b : bad) {
    Config c = On();
    b.spoil(c);
    std::string message = Error(c);
    EXPECT_TRUE(message.starts_with("nymvisor." + b.key + ": ")) << b.key << ": " << message;
    EXPECT_TRUE(Mentions(message, b.says)) << b.key << ": " << message;
  }
}

TEST(FleetConfigChecks, CredentialsInAnEndpointAreNotShown) {
  Config c = On();
  c.nymvisor.fleet_endpoints = {"http://agent:s3cret@127.0.0.1:2379"};
  EXPECT_FALSE(Mentions(Error(c), "s3cret")) << Error(c);
}

TEST(FleetConfigChecks, ASecretPastedAsTheCredentialIsNotShown) {
  Config c = On();
  c.nymvisor.fleet_credential = "agent:s3cret";
  EXPECT_FALSE(Mentions(Error(c), "s3cret")) << Error(c);
  EXPECT_TRUE(Error(c).starts_with("nymvisor.fleet_credential: ")) << Error(c);
}

TEST(FleetConfigChecks, NoVariableCarriesTheCredential) {
  const ConfigKey* key = FindConfigKey("nymvisor", "fleet_credential");
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(key->env_var.empty());
  EXPECT_EQ(On().nymvisor.fleet_credential, kDefaultFleetCredential);
}

TEST(FleetConfigChecks, TheVariablesSetTheKeys) {
  Config c = Off();
  struct Row {
    const char* name;
    const char* text;
  };
  for (Row row :
       {Row{"fleet_endpoints", "http://127.0.0.1:2379,http://127.0.0.2:2379"},
        Row{"fleet_group", "eu"}, Row{"fleet_max_unavailable", "2"}, Row{"fleet_canary", "true"},
        Row{"fleet_soak", "90m"}, Row{"fleet_on_unreachable", "proceed"}}) {
    const ConfigKey* key = FindConfigKey("nymvisor", row.name);
    ASSERT_NE(key, nullptr) << row.name;
    EXPECT_EQ(
        key->env_var, "NYMVISOR_" + [&] {
          std::string upper = row.name;
          for (char& ch : upper)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          return upper;
        }());
    ASSERT_TRUE(SetFromText(*key, row.text, &c).ok()) << row.name;
  }
  EXPECT_EQ(c.nymvisor.fleet_endpoints,
            (std::vector<std::string>{"http://127.0.0.1:2379", "http://127.0.0.2:2379"}));
  EXPECT_EQ(c.nymvisor.fleet_max_unavailable, 2u);
  EXPECT_TRUE(c.nymvisor.fleet_canary);
  EXPECT_EQ(c.nymvisor.fleet_soak, 90min);
  EXPECT_TRUE(ValidateConfig(c).ok()) << Error(c);
}

}  // namespace
}  // namespace nymvisor
