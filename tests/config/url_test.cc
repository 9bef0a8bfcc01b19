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

TEST(ValidateNodeApiUrl, AcceptsLoopbackAndAddressesWrittenLiterally) {
  for (const char* url :
       {"http://127.0.0.1:8080/api/v1/health", "http://localhost:8080/api/v1/health",
        "http://LOCALHOST:8080/", "http://[::1]:8080/api/v1/health", "https://127.0.0.2/x",
        "http://203.0.113.7:8080/api/v1/health", "http://[2001:db8::1]:8080/"}) {
    EXPECT_TRUE(ValidateNodeApiUrl(url).ok()) << url << ": " << ValidateNodeApiUrl(url).message();
  }
}

TEST(ValidateNodeApiUrl, RefusesNamesCredentialsAndOtherSchemes) {
  Status named = ValidateNodeApiUrl("http://node.example:8080/api/v1/health");
  EXPECT_FALSE(named.ok());
  EXPECT_NE(named.message().find("names the host 'node.example'; use 127.0.0.1"), std::string::npos)
      << named.message();
  Status creds = ValidateNodeApiUrl("http://user:secret@127.0.0.1:8080/");
  EXPECT_FALSE(creds.ok());
  EXPECT_EQ(creds.message().find("secret"), std::string::npos) << "redacted: " << creds.message();
  EXPECT_FALSE(ValidateNodeApiUrl("ftp://127.0.0.1/").ok());
  EXPECT_FALSE(ValidateNodeApiUrl("127.0.0.1:8080").ok());
}

}  // namespace
}  // namespace nymvisor
