#include "agent/config/config_checks.h"

#include <gtest/gtest.h>

#include "agent/config/config_keys.h"
#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

Config Valid() { return testing::NodeConfig("/var/lib/nym/node"); }

TEST(ConfigChecks, EveryKeyAcceptsTheDefaults) {
  for (const ConfigKey& key : AllConfigKeys()) {
    Status st = key.check(Valid());
    EXPECT_TRUE(st.ok()) << key.FullName() << ": " << st.message();
  }
}

TEST(ConfigChecks, EachErrorNamesItsKeySoInitCanNameTheFlag) {
  // One bad value per checked key; the error must lead with the key, as
  // KeyOfError (and init's "--flag: ...") reads it.
  std::vector<std::pair<std::string, void (*)(Config&)>> bad = {
      {"nymvisor.id", [](Config& c) { c.nymvisor.id = ".x"; }},
      {"nymvisor.upstream_polling_rate", [](Config& c) { c.nymvisor.upstream_polling_rate = 1s; }},
      {"nymvisor.metrics_textfile", [](Config& c) { c.nymvisor.metrics_textfile = "m.txt"; }},
      {"nymvisor.upstream_source", [](Config& c) { c.nymvisor.upstream_source = "ftp"; }},
      {"daemon.home", [](Config& c) { c.daemon.home = "/etc"; }},
      {"daemon.user", [](Config& c) { c.daemon.user = "a b"; }},
      {"daemon.max_download_size_mib", [](Config& c) { c.daemon.max_download_size_mib = 0; }},
      {"daemon.health_check_period",
       [](Config& c) { c.daemon.health_check_period = std::chrono::milliseconds(500); }},
      {"daemon.health_check_url",
       [](Config& c) { c.daemon.health_check_url = "http://node.example/api/v1/health"; }},
      {"daemon.build_info_url",
       [](Config& c) { c.daemon.build_info_url = "http://u:p@127.0.0.1:8080/"; }},
  };
  for (const auto& [name, spoil] : bad) {
    Config c = Valid();
    spoil(c);
    size_t dot = name.find('.');
    const ConfigKey* key = FindConfigKey(name.substr(0, dot), name.substr(dot + 1));
    ASSERT_NE(key, nullptr) << name;
    Status st = key->check(c);
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_EQ(KeyOfError(st), key) << st.message();
  }
}

}  // namespace
}  // namespace nymvisor
