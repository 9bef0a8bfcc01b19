#include "agent/shell/github_source.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::FakeHttpClient;

constexpr char kApi[] = "https://api.example/repos/nymtech/nym/releases?per_page=100";
constexpr char kPage2[] = "https://api.example/repositories/1/releases?per_page=100&page=2";
constexpr char kHashes[] = "https://github.example/download/nym-binaries-v2026.10-w/hashes.json";

std::string Release(const std::string& tag, const std::string& published,
                    const std::vector<std::string>& assets) {
  std::string list;
  for (const std::string& a : assets) {
    list +=
        std::string(list.empty() ? "" : ",") + R"({"name":")" + a +
        R"(","state":"uploaded","size":10,"digest":null,"browser_download_url":"https://github.example/download/)" +
        tag + "/" + a + "\"}";
  }
  return R"({"tag_name":")" + tag + R"(","draft":false,"prerelease":false,"published_at":")" +
         published + R"(","assets":[)" + list + "]}";
}

std::string Hashes(const std::string& binary) {
  return R"({"assets":{")" + binary +
         R"(":{"sha256":"ab","downloadUrl":"https://github.example/download/nym-binaries-v2026.10-w/nym-node","details":{"binary_name":"nym-node","build_timestamp":"2026-05-20T08:41:07Z","build_version":"1.32.0","commit_sha":"aa","commit_timestamp":"2026-05-20T10:12:40+02:00","commit_branch":"HEAD","rustc_version":"1.91.1","rustc_channel":"stable","cargo_profile":"release","cargo_triple":"x86_64-unknown-linux-gnu"}}}})";
}

FakeHttpClient::Resource Answer(long status, std::string body, std::string etag = "",
                                std::map<std::string, std::string> headers = {}) {
  FakeHttpClient::Resource r;
  r.status = status;
  r.body = std::move(body);
  r.etag = std::move(etag);
  r.headers = std::move(headers);
  return r;
}

class GithubSourceTest : public ::testing::Test {
 protected:
  GithubSourceTest() {
    source_.api_url = "https://api.example/";
    source_.binary = "nym-node";
    source_.platform = "linux-x86_64";
    source_.token = "secret";
    http_.resources[kApi] = Answer(
        200,
        "[" + Release("nym-wallet-v1.2.20", "2026-06-01T00:00:00Z", {"nym-wallet", "hashes.json"}) +
            "]",
        "W/\"page1\"", {{"link", std::string("<") + kPage2 + ">; rel=\"next\""}});
    http_.resources[kPage2] =
        Answer(200, "[" +
                        Release("nym-binaries-v2026.10-w", "2026-05-20T09:30:00Z",
                                {"nym-node", "hashes.json"}) +
                        "]");
    http_.resources[kHashes] = Answer(200, Hashes("nym-node"));
  }
  Result<GithubCheck> Check(const std::string& etag = "") {
    return CheckGithubReleases(http_, source_, etag, *ParseTimestamp("2026-05-21T00:00:00Z"));
  }
  GithubSource source_;
  FakeHttpClient http_;
};

TEST_F(GithubSourceTest, OffersTheTrainsNewestReleaseAcrossPages) {
  Result<GithubCheck> check = Check();
  ASSERT_TRUE(check.ok()) << check.status().message();
  ASSERT_EQ(check->kind, GithubCheck::Kind::kOffer) << check->reason;
  EXPECT_EQ(check->offer.name, "nym-binaries-v2026.10-w") << "the newer wallet release is ignored";
  EXPECT_EQ(check->offer.version, "1.32.0");
  EXPECT_EQ(check->etag, "W/\"page1\"");
  ASSERT_EQ(http_.requests.size(), 3u);
  auto has_token = [](const HttpRequest& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Authorization") return value == "Bearer secret";
    }
    return false;
  };
  EXPECT_TRUE(has_token(http_.requests[0]));
  EXPECT_TRUE(has_token(http_.requests[1]));
  EXPECT_EQ(http_.requests[2].url, kHashes);
  EXPECT_FALSE(has_token(http_.requests[2])) << "never to the asset host";
  for (const HttpRequest& r : http_.requests) {
    EXPECT_EQ(r.url.find("/latest"), std::string::npos) << "releases/latest is never asked";
  }
}

TEST_F(GithubSourceTest, AnUnchangedListCostsOneConditionalRequest) {
  Result<GithubCheck> check = Check("W/\"page1\"");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->kind, GithubCheck::Kind::kNotModified);
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].if_none_match, "W/\"page1\"");
}

TEST_F(GithubSourceTest, ARateLimitSaysWhenToTryAgain) {
  http_.resources[kApi] =
      Answer(403, "{}", "", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1779400000"}});
  Result<GithubCheck> check = Check();
  ASSERT_TRUE(check.ok()) << check.status().message();
  EXPECT_EQ(check->kind, GithubCheck::Kind::kRateLimited);
  EXPECT_EQ(check->retry_at, Timestamp(std::chrono::seconds(1779400000)));
  EXPECT_NE(check->reason.find("GitHub answered 403"), std::string::npos);
}

TEST_F(GithubSourceTest, AReleaseWithoutThisBinaryInHashesIsRefusedByName) {
  http_.resources[kHashes] = Answer(200, Hashes("nym-api"));
  Result<GithubCheck> check = Check();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->kind, GithubCheck::Kind::kRefused);
  EXPECT_EQ(check->reason,
            "release nym-binaries-v2026.10-w: hashes.json has no entry for nym-node");
}

TEST_F(GithubSourceTest, NoReadyReleaseIsNothingWithAReason) {
  source_.binary = "nym-socks5-client";
  Result<GithubCheck> check = Check();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->kind, GithubCheck::Kind::kNothing);
  EXPECT_NE(check->reason.find("none carries nym-socks5-client"), std::string::npos);
}

TEST_F(GithubSourceTest, AMissingRepositoryIsNotFoundNamingIt) {
  http_.resources[kApi] = Answer(404, "{\"message\":\"Not Found\"}");
  Result<GithubCheck> check = Check();
  ASSERT_TRUE(check.status().IsNotFound()) << check.status().message();
  EXPECT_NE(check.status().message().find("no repository nymtech/nym"), std::string::npos);
  EXPECT_NE(check.status().message().find(kApi), std::string::npos);
}

TEST_F(GithubSourceTest, NetworkTroubleIsAnError) {
  http_.resources.erase(kApi);
  EXPECT_TRUE(Check().status().IsUnavailable());
}

}  // namespace
}  // namespace nymvisor
