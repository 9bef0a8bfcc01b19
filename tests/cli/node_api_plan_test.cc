#include "agent/cli/node_api_plan.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(LoopbackBaseFor, UnspecifiedAddressesBecomeLoopback) {
  EXPECT_EQ(LoopbackBaseFor("0.0.0.0:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(LoopbackBaseFor("[::]:8000"), "http://[::1]:8000");
  EXPECT_EQ(LoopbackBaseFor("127.0.0.1:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(LoopbackBaseFor("203.0.113.7:8080"), "http://203.0.113.7:8080");
}

TEST(LoopbackBaseFor, RefusesWhatIsNotHostAndPort) {
  EXPECT_EQ(LoopbackBaseFor("8080"), std::nullopt);
  EXPECT_EQ(LoopbackBaseFor("0.0.0.0:http"), std::nullopt);
  EXPECT_EQ(LoopbackBaseFor("0.0.0.0:"), std::nullopt);
}

const char kConfig[] = R"(id = 'default-nym-node'

[host]
bind_address = '10.0.0.1:1'

[http]
bind_address = '0.0.0.0:8081'
landing_page_assets_path = ''
access_token = ''
)";

TEST(SuggestNodeApiUrls, ReadsTheHttpTableOfTheNodesConfig) {
  std::optional<NodeApiUrls> urls = SuggestNodeApiUrls(kConfig, {"run"});
  ASSERT_TRUE(urls);
  EXPECT_EQ(urls->health, "http://127.0.0.1:8081/api/v1/health");
  EXPECT_EQ(urls->build_info, "http://127.0.0.1:8081/api/v1/build-information");
  EXPECT_EQ(urls->from, "[http] bind_address");
}

TEST(SuggestNodeApiUrls, TheRunArgumentWinsOverTheConfig) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"run", "--http-bind-address", "0.0.0.0:9090"},
        std::vector<std::string>{"run", "--http-bind-address=0.0.0.0:9090"}}) {
    std::optional<NodeApiUrls> urls = SuggestNodeApiUrls(kConfig, args);
    ASSERT_TRUE(urls);
    EXPECT_EQ(urls->health, "http://127.0.0.1:9090/api/v1/health");
    EXPECT_EQ(urls->from, "--http-bind-address");
  }
}

TEST(SuggestNodeApiUrls, WithoutTheKeyTheNodesDefaultPort) {
  std::optional<NodeApiUrls> urls = SuggestNodeApiUrls("id = 'x'\n[http]\naccess_token = ''\n", {});
  ASSERT_TRUE(urls);
  EXPECT_EQ(urls->health, "http://[::1]:8080/api/v1/health");
  EXPECT_EQ(urls->from, "the default");
}

TEST(SuggestNodeApiUrls, DoubleQuotesAndSpacingAreRead) {
  std::optional<NodeApiUrls> urls =
      SuggestNodeApiUrls("[http]\n  bind_address   =  \"127.0.0.1:7000\"  \n", {});
  ASSERT_TRUE(urls);
  EXPECT_EQ(urls->health, "http://127.0.0.1:7000/api/v1/health");
}

TEST(SuggestNodeApiUrls, AnUnreadableAddressSuggestsNothing) {
  EXPECT_EQ(SuggestNodeApiUrls("[http]\nbind_address = 'nonsense'\n", {}), std::nullopt);
}

}  // namespace
}  // namespace nymvisor
