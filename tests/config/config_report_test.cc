#include "agent/config/config_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

Config Sample() {
  Config c = DefaultConfig("nym-node");
  c.nymvisor.id = "mixnode";
  c.daemon.home = "/var/lib/nym/mixnode";
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
  EXPECT_EQ(j["daemon"].size(), 19u);
  EXPECT_TRUE(j["nymvisor"]["metrics_textfile"].is_null());
  EXPECT_EQ(j["nymvisor"]["trusted_keys"], Json::array());
  EXPECT_EQ(j["nymvisor"]["require_signature"], false);
  EXPECT_EQ(j["nymvisor"]["upstream_source"], "upgrade-info");
  EXPECT_EQ(j["nymvisor"]["github_repository"], "nymtech/nym");
  EXPECT_EQ(j["nymvisor"]["github_upgrade_delay"], "0s");
  EXPECT_EQ(j["nymvisor"].size(), 13u);
}

}  // namespace
}  // namespace nymvisor
