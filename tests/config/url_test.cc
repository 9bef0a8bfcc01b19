#include "agent/config/url.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(ValidateHttpUrl, AcceptsHttpAndHttps) {
  EXPECT_TRUE(ValidateHttpUrl("https://nymtech.net/.wellknown/").ok());
  EXPECT_TRUE(ValidateHttpUrl("http://127.0.0.1:8080/x.json").ok());
}

TEST(ValidateHttpUrl, RefusesOtherSchemesAndGarbage) {
  EXPECT_NE(ValidateHttpUrl("ftp://x/").message().find("must use http or https"),
            std::string::npos);
  EXPECT_NE(ValidateHttpUrl("not a url").message().find("invalid URL 'not a url'"),
            std::string::npos);
  EXPECT_FALSE(ValidateHttpUrl("").ok());
  EXPECT_FALSE(ValidateHttpUrl("file:///etc/passwd").ok());
}

TEST(UpgradeInfoUrlFromBase, AppendsDaemonNameOnce) {
  EXPECT_EQ(*UpgradeInfoUrlFromBase("https://nymtech.net/.wellknown/", "nym-node"),
            "https://nymtech.net/.wellknown/nym-node/upgrade-info.json");
  EXPECT_EQ(*UpgradeInfoUrlFromBase("https://nymtech.net/.wellknown///", "nym-api"),
            "https://nymtech.net/.wellknown/nym-api/upgrade-info.json");
  EXPECT_EQ(*UpgradeInfoUrlFromBase("http://127.0.0.1:8000", "nym-node"),
            "http://127.0.0.1:8000/nym-node/upgrade-info.json");
}

TEST(UpgradeInfoUrlFromBase, KeepsTheQuery) {
  EXPECT_EQ(*UpgradeInfoUrlFromBase("https://m.example/rel/?channel=stable", "nym-node"),
            "https://m.example/rel/nym-node/upgrade-info.json?channel=stable");
}

TEST(NormalizeHttpUrl, ShowsUrlsAsTheOriginalsUrlCrateDoes) {
  EXPECT_EQ(*NormalizeHttpUrl("https://nymtech.net"), "https://nymtech.net/");
  EXPECT_EQ(*NormalizeHttpUrl("HTTPS://NymTech.NET/.wellknown/"),
            "https://nymtech.net/.wellknown/");
  EXPECT_EQ(*NormalizeHttpUrl("https://nymtech.net:443/a/./b/../c"), "https://nymtech.net/a/c");
  EXPECT_EQ(*NormalizeHttpUrl("http://127.0.0.1:80"), "http://127.0.0.1/");
  EXPECT_EQ(*NormalizeHttpUrl("http://127.0.0.1:8080/x?Q=1"), "http://127.0.0.1:8080/x?Q=1");
  EXPECT_EQ(*NormalizeHttpUrl("http://0x7f.1/"), "http://127.0.0.1/");
  EXPECT_EQ(*NormalizeHttpUrl("https://nymtech.net:80/"), "https://nymtech.net:80/")
      << "only the scheme's own default port goes";
  EXPECT_NE(NormalizeHttpUrl("ftp://x/").status().message().find("must use http or https"),
            std::string::npos);
}

TEST(NormalizeHttpUrl, FetchesTheSameUpgradeInfo) {
  std::string normal = *NormalizeHttpUrl("HTTP://Mirror.Example:80/rel/../nym/?c=1");
  EXPECT_EQ(*UpgradeInfoUrlFromBase(normal, "nym-node"),
            "http://mirror.example/nym/nym-node/upgrade-info.json?c=1");
}

}  // namespace
}  // namespace nymvisor
