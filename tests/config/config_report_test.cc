#include "agent/config/config_report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

/// A golden file under tests/config/golden; a missing or different one
/// fails the test, which writes what it got next to the build for review.
std::string Golden(const std::string& name, const std::string& actual) {
  std::ifstream in(std::string(SOURCE_DIR) + "/tests/config/golden/" + name);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str() != actual) std::ofstream("golden-" + name) << actual;
  return text.str();
}

Config Sample() {
  Config c = testing::NodeConfig("/var/lib/nym/mixnode", "mixnode");
  c.daemon.args = {"run", "--id", "mixnode"};
  c.daemon.user = "nym";
  return c;
}

TEST(FormatConfigText, AlignsLabelsAndQuotesOptionalValues) {
  std::string text = FormatConfigText(Sample());
  EXPECT_NE(text.find("id:                                mixnode\n"), std::string::npos) << text;
  EXPECT_NE(text.find("daemon home:                       /var/lib/nym/mixnode\n"),
            std::string::npos);
  EXPECT_NE(text.find("CUSTOM upgrade data directory      \"\"\n"), std::string::npos);
  EXPECT_NE(text.find("UNSAFE skip backups                false\n"), std::string::npos) << text;
  EXPECT_LT(text.find("UNSAFE skip backups"), text.find("upstream polling rate:"))
      << "the original's 17 lines first";
  EXPECT_NE(text.find("upstream absolute upgrade url:     \"\"\n"), std::string::npos);
  EXPECT_NE(text.find("startup period duration:           2m\n"), std::string::npos);
  EXPECT_NE(text.find("daemon unit:                       nymvisor-daemon@mixnode.service\n"),
            std::string::npos);
  EXPECT_NE(text.find("daemon args:                       run --id mixnode\n"), std::string::npos);
}

TEST(ConfigToJson, UsesSnakeCaseHumantimeAndNull) {
  Json j = ConfigToJson(Sample());
  EXPECT_EQ(j["nymvisor"]["id"], "mixnode");
  EXPECT_EQ(j["nymvisor"]["upstream_polling_rate"], "1h");
  EXPECT_TRUE(j["nymvisor"]["upgrade_data_directory"].is_null());
  EXPECT_TRUE(j["daemon"]["absolute_upstream_upgrade_url"].is_null());
  EXPECT_TRUE(j["daemon"]["backup_data_directory"].is_null());
  EXPECT_EQ(j["daemon"]["max_startup_failures"], 10);
  EXPECT_EQ(j["daemon"]["restart_on_failure"], true);
  EXPECT_EQ(j["daemon"]["startup_period_duration"], "2m");
  EXPECT_EQ(j["daemon"]["args"], Json::array({"run", "--id", "mixnode"}));
  EXPECT_EQ(j["daemon"]["backups_to_keep"], 3);
  EXPECT_TRUE(j["daemon"]["health_check_period"].is_null());
  EXPECT_TRUE(j["daemon"]["busy_check"].is_null());
  EXPECT_EQ(j["daemon"]["busy_deadline"], "6h");
  EXPECT_TRUE(j["daemon"]["health_check_url"].is_null()) << "unset: not asked";
  EXPECT_TRUE(j["daemon"]["build_info_url"].is_null());
  EXPECT_EQ(j["daemon"].size(), 25u);
  EXPECT_TRUE(j["nymvisor"]["metrics_textfile"].is_null());
  EXPECT_EQ(j["nymvisor"]["trusted_keys"], Json::array());
  EXPECT_EQ(j["nymvisor"]["require_signature"], false);
  EXPECT_EQ(j["nymvisor"]["upstream_source"], "github") << "the default for a new instance";
  EXPECT_EQ(j["nymvisor"]["github_repository"], "nymtech/nym");
  EXPECT_EQ(j["nymvisor"]["min_release_age"], "0s");
  EXPECT_EQ(j["nymvisor"]["upgrade_windows"], Json::array());
  EXPECT_EQ(j["nymvisor"]["upgrade_time_zone"], "UTC");
  EXPECT_EQ(j["nymvisor"]["rollout_spread"], "0s");
  EXPECT_EQ(j["nymvisor"]["fleet_endpoints"], Json::array()) << "no fleet";
  EXPECT_TRUE(j["nymvisor"]["fleet_group"].is_null());
  EXPECT_EQ(j["nymvisor"]["fleet_max_unavailable"], 1);
  EXPECT_EQ(j["nymvisor"]["fleet_canary"], false);
  EXPECT_EQ(j["nymvisor"]["fleet_soak"], "0s");
  EXPECT_TRUE(j["nymvisor"]["fleet_ca_file"].is_null());
  EXPECT_EQ(j["nymvisor"]["fleet_credential"], "nymvisor-fleet");
  EXPECT_EQ(j["nymvisor"]["fleet_on_unreachable"], "wait");
  EXPECT_EQ(j["nymvisor"].size(), 26u);
  EXPECT_EQ(j["upstream"]["source"], "github");
  EXPECT_EQ(j["upstream"]["repository"], "nymtech/nym");
  EXPECT_EQ(j["upstream"]["tag_prefix"], "nym-binaries-v");
}

TEST(ConfigReport, ShowsTheResolvedUpstreamWithoutCredentials) {
  Config c = Sample();
  c.nymvisor.upstream_source = "upgrade-info";
  c.nymvisor.upstream_base_upgrade_url = "https://ops:hunter2@mirror.example/wk/";
  c.daemon.absolute_upstream_upgrade_url = "https://tok@mirror.example/x.json";
  c.nymvisor.github_api_url = "https://u:p@ghe.example/api/v3";
  std::string text = FormatConfigText(c);
  std::string json = DumpJsonCompact(ConfigToJson(c));
  for (const std::string& shown : {text, json}) {
    EXPECT_EQ(shown.find("hunter2"), std::string::npos) << shown;
    EXPECT_EQ(shown.find("tok@"), std::string::npos) << shown;
    EXPECT_EQ(shown.find("u:p@"), std::string::npos) << shown;
  }
  EXPECT_NE(text.find("upstream base upgrade url:         https://ops:***@mirror.example/wk/\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "resolved upstream:                 upgrade-info https://***@mirror.example/x.json\n"),
      std::string::npos)
      << text;
  Json j = ConfigToJson(c);
  EXPECT_EQ(j["upstream"]["url"], "https://***@mirror.example/x.json");
  EXPECT_TRUE(j["upstream"]["repository"].is_null());
  EXPECT_NE(FormatConfigText(Sample()).find(
                "resolved upstream:                 github (nymtech/nym, tags nym-binaries-v*)\n"),
            std::string::npos);
}

TEST(FormatConfigText, PinsEveryLineInItsOrder) {
  // Every key once, the original's 17 first; changing this file changes what
  // operators (and their scripts) read.
  EXPECT_EQ(FormatConfigText(Sample()), Golden("config.txt", FormatConfigText(Sample())));
}

}  // namespace
}  // namespace nymvisor
