// The real libcurl client against a loopback server.
#include "agent/adapters/curl_http_client.h"

#include <gtest/gtest.h>

#include "agent/ports/http_client.h"
#include "tests/support/loopback_http_server.h"

namespace nymvisor {
namespace {

using testing::LoopbackHttpServer;

struct Collected {
  std::string body;
  std::vector<uint64_t> offsets;
};

HttpRequest Req(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

Result<HttpResponse> Fetch(CurlHttpClient& client, HttpRequest request, Collected* out) {
  return client.Get(request, [out](const BodyChunk& chunk) {
    if (chunk.offset == 0) out->body.clear();
    out->offsets.push_back(chunk.offset);
    out->body.append(chunk.data);
    return Status();
  });
}

TEST(CurlHttpClient, GetsTheBodyAndValidators) {
  LoopbackHttpServer server;
  server.Set("/info.json", {200, "{\"a\":1}", {{"ETag", "\"v1\""}, {"Last-Modified", "Mon"}}});
  CurlHttpClient client;
  Collected got;
  Result<HttpResponse> r = Fetch(client, Req(server.Url("/info.json")), &got);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(got.body, "{\"a\":1}");
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->last_modified, "Mon");
  EXPECT_EQ(r->total_size, 7u);
}

TEST(CurlHttpClient, SendsConditionalHeadersAndUnderstands304) {
  LoopbackHttpServer server;
  server.Set("/info.json", {304, "", {}});
  CurlHttpClient client;
  HttpRequest request = Req(server.Url("/info.json"));
  request.if_none_match = "\"v1\"";
  request.if_modified_since = "Mon, 01 Jan 2024 00:00:00 GMT";
  Collected got;
  Result<HttpResponse> r = Fetch(client, request, &got);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->NotModified());
  auto seen = server.Requests().back().headers;
  EXPECT_EQ(seen["if-none-match"], "\"v1\"");
  EXPECT_EQ(seen["if-modified-since"], "Mon, 01 Jan 2024 00:00:00 GMT");
}

TEST(CurlHttpClient, ErrorStatusesAreErrorsAndTheirBodyIsNotDelivered) {
  LoopbackHttpServer server;
  server.Set("/gone", {404, "<html>not here</html>", {}});
  CurlHttpClient client;
  Collected got;
  Status st = Fetch(client, Req(server.Url("/gone")), &got).status();
  EXPECT_EQ(st.message(), "HTTP status 404 from " + server.Url("/gone"));
  EXPECT_EQ(got.body, "");
  EXPECT_FALSE(st.IsUnavailable()) << "a 404 will not fix itself";
  server.Set("/busy", {503, "try later", {}});
  EXPECT_TRUE(Fetch(client, Req(server.Url("/busy")), &got).status().IsUnavailable());
}

TEST(CurlHttpClient, CapsTheResponseSize) {
  LoopbackHttpServer server;
  server.Set("/big", {200, std::string(5000, 'x'), {}});
  CurlHttpClient client;
  HttpRequest request = Req(server.Url("/big"));
  request.max_bytes = 1000;
  Collected got;
  EXPECT_NE(Fetch(client, request, &got).status().message().find("larger than 1000 bytes"),
            std::string::npos);
}

TEST(CurlHttpClient, ResumesWithRangeOrRestartsWhenTheServerIgnoresIt) {
  LoopbackHttpServer server;
  server.Set("/bin", {200, "0123456789", {}});
  CurlHttpClient client;
  HttpRequest request = Req(server.Url("/bin"));
  request.range_start = 4;
  Collected got;
  Result<HttpResponse> r = Fetch(client, request, &got);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(got.offsets.front(), 4u);
  EXPECT_EQ(got.body, "456789");
  EXPECT_EQ(r->total_size, 10u);
  server.Set("/bin", {200, "0123456789", {}, /*honour_range=*/false});
  got = {};
  r = Fetch(client, request, &got);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(got.offsets.front(), 0u);
  EXPECT_EQ(got.body, "0123456789");
}

TEST(CurlHttpClient, ATruncatedBodyIsAnError) {
  LoopbackHttpServer server;
  server.Set("/cut", {200, std::string(1000, 'y'), {}, true, 100});
  CurlHttpClient client;
  Collected got;
  Status st = Fetch(client, Req(server.Url("/cut")), &got).status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(server.Url("/cut")), std::string::npos) << st.message();
}

TEST(CurlHttpClient, ASinkErrorAbortsTheTransfer) {
  LoopbackHttpServer server;
  server.Set("/bin", {200, "data", {}});
  CurlHttpClient client;
  Status st =
      client
          .Get(Req(server.Url("/bin")), [](const BodyChunk&) { return Status::Error("disk full"); })
          .status();
  EXPECT_EQ(st.message(), "disk full");
}

TEST(CurlHttpClient, UnreachableAndRefusedSchemesAreErrors) {
  CurlHttpClient client;
  Collected got;
  HttpRequest request = Req("http://127.0.0.1:1/nothing");
  request.connect_timeout = 2s;
  Status refused = Fetch(client, request, &got).status();
  EXPECT_NE(refused.message().find("GET http://127.0.0.1:1/nothing"), std::string::npos);
  EXPECT_TRUE(refused.IsUnavailable());
  EXPECT_FALSE(Fetch(client, Req("file:///etc/passwd"), &got).ok());
}

TEST(CurlHttpClient, FollowsABoundedNumberOfRedirects) {
  testing::LoopbackHttpServer server;
  server.Set("/moved", {302, "", {{"Location", server.Url("/info.json")}}});
  server.Set("/info.json", {200, "{}", {}});
  server.Set("/loop", {302, "", {{"Location", server.Url("/loop")}}});
  CurlHttpClient client;
  Collected got;
  ASSERT_TRUE(Fetch(client, Req(server.Url("/moved")), &got).ok());
  EXPECT_EQ(got.body, "{}");
  Status loop = Fetch(client, Req(server.Url("/loop")), &got).status();
  EXPECT_FALSE(loop.IsUnavailable()) << "a loop is upstream's setup, not a passing fault";
  EXPECT_NE(loop.message().find("more than 5 redirects"), std::string::npos) << loop.message();
  EXPECT_LE(server.Requests().size(), 8u);
  server.Set("/to-file", {302, "", {{"Location", "file:///etc/passwd"}}});
  EXPECT_FALSE(Fetch(client, Req(server.Url("/to-file")), &got).ok()) << "only http(s)";
}

TEST(CurlHttpClient, SendsExtraHeadersButNeverTheTokenToAnotherHost) {
  testing::LoopbackHttpServer api;
  testing::LoopbackHttpServer assets;  // another port: another origin for libcurl
  api.Set("/releases/download/v1/nym-node", {302, "", {{"Location", assets.Url("/blob")}}});
  assets.Set("/blob", {200, "binary", {}});
  CurlHttpClient client;
  HttpRequest request = Req(api.Url("/releases/download/v1/nym-node"));
  request.headers = {{"Authorization", "Bearer secret-token"},
                     {"Accept", "application/vnd.github+json"}};
  Collected got;
  ASSERT_TRUE(Fetch(client, request, &got).ok());
  EXPECT_EQ(got.body, "binary");
  ASSERT_EQ(api.Requests().size(), 1u);
  EXPECT_EQ(api.Requests()[0].headers["authorization"], "Bearer secret-token");
  EXPECT_EQ(api.Requests()[0].headers["accept"], "application/vnd.github+json");
  ASSERT_EQ(assets.Requests().size(), 1u);
  EXPECT_EQ(assets.Requests()[0].headers.count("authorization"), 0u)
      << "the token stays with the API host";
}

TEST(CurlHttpClient, RateLimitsCanBeAnAnswerWithTheirHeaders) {
  testing::LoopbackHttpServer server;
  server.Set("/releases", {403,
                           "{\"message\":\"API rate limit exceeded\"}",
                           {{"X-RateLimit-Remaining", "0"},
                            {"X-RateLimit-Reset", "1779275400"},
                            {"Link", "<x>; rel=\"next\""}}});
  CurlHttpClient client;
  Collected got;
  EXPECT_FALSE(Fetch(client, Req(server.Url("/releases")), &got).ok()) << "an error by default";
  HttpRequest request = Req(server.Url("/releases"));
  request.rate_limit_is_an_answer = true;
  Result<HttpResponse> r = Fetch(client, request, &got);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->RateLimited());
  EXPECT_EQ(r->Header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(r->Header("x-ratelimit-reset"), "1779275400");
  EXPECT_EQ(r->Header("link"), "<x>; rel=\"next\"");
  EXPECT_TRUE(got.body.empty()) << "the body of a refusal never reaches the sink";
}

TEST(CurlHttpClient, ANodeProbeTakesAny2xxNeverRedirectsAndSkipsTheProxy) {
  LoopbackHttpServer server;
  server.Set("/health", {204, "", {}});
  server.Set("/moved", {302, "", {{"Location", server.Url("/health")}}});
  CurlHttpClient client;
  Collected got;
  HttpRequest probe = Req(server.Url("/health"));
  EXPECT_FALSE(Fetch(client, probe, &got).ok()) << "a 204 is no download";
  probe.node_probe = true;
  // A proxy in the environment (an env file's HTTPS_PROXY) must not answer
  // for the node: port 9 on loopback refuses, so using it would fail.
  ::setenv("http_proxy", "http://127.0.0.1:9", 1);
  Result<HttpResponse> r = Fetch(client, probe, &got);
  ::unsetenv("http_proxy");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 204);
  HttpRequest moved = Req(server.Url("/moved"));
  moved.node_probe = true;
  Status st = Fetch(client, moved, &got).status();
  EXPECT_EQ(st.message(), "HTTP status 302 from " + server.Url("/moved"));
  EXPECT_EQ(server.Requests().back().path, "/moved") << "the redirect was not followed";
}

}  // namespace
}  // namespace nymvisor
