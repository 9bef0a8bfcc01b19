#include "agent/adapters/etcd_json.h"

#include <gtest/gtest.h>

namespace nymvisor::etcd_json {
namespace {

using nlohmann::json;

TEST(EtcdJson, RoundTripsBytesThroughBase64) {
  for (std::string bytes : {std::string(), std::string("a"), std::string("ab"),
                            std::string("upg/slots/"), std::string("\0\xff\x10", 3)}) {
    Result<std::string> back = Base64Decode(Base64Encode(bytes), "key");
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_EQ(Base64Encode("upg/slots/"), "dXBnL3Nsb3RzLw==");
  EXPECT_FALSE(Base64Decode("abc", "key").ok());
  EXPECT_FALSE(Base64Decode("a!c=", "key").ok());
}

TEST(EtcdJson, SendsInt64sAsStringsAndPrefixRangesInBase64) {
  json range = RangeRequest({.key = "upg/slots/",
                             .range_end = "upg/slots0",
                             .sort_by_create = true,
                             .limit = 2,
                             .keys_only = true});
  EXPECT_EQ(range, json::parse(R"({"key":"dXBnL3Nsb3RzLw==","range_end":"dXBnL3Nsb3RzMA==",
      "sort_order":"ASCEND","sort_target":"CREATE","limit":"2","keys_only":true})"));
  json put = PutRequest({.key = "k", .value = "v", .lease = 2324035633543304969});
  EXPECT_EQ(put["lease"], "2324035633543304969");
  EXPECT_FALSE(PutRequest({.key = "k", .value = "v"}).contains("lease"));
}

TEST(EtcdJson, SpellsCompareOperandsAfterTheirTarget) {
  EtcdTxn txn{.compare = {{.key = "a", .target = EtcdCompare::Target::kCreate, .number = 0},
                          {.key = "b",
                           .target = EtcdCompare::Target::kValue,
                           .result = EtcdCompare::Result::kNotEqual,
                           .value = "x"}},
              .success = {EtcdDelete{.key = "a"}},
              .failure = {EtcdRange{.key = "b"}}};
  json out = TxnRequest(txn);
  EXPECT_EQ(out["compare"][0], json::parse(R"({"key":"YQ==","target":"CREATE","result":"EQUAL",
      "create_revision":"0"})"));
  EXPECT_EQ(out["compare"][1]["value"], "eA==");
  EXPECT_EQ(out["compare"][1]["result"], "NOT_EQUAL");
  EXPECT_EQ(out["success"][0], json::parse(R"({"request_delete_range":{"key":"YQ=="}})"));
  EXPECT_EQ(out["failure"][0], json::parse(R"({"request_range":{"key":"Yg=="}})"));
}

TEST(EtcdJson, ReadsAFailedTxnWhoseSucceededIsLeftOut) {
  json answer = json::parse(R"({"header":{"revision":"8"},"responses":[{"response_range":{
      "header":{"revision":"8"},"kvs":[{"key":"dXBnL3Nsb3RzL0E=","create_revision":"6",
      "mod_revision":"6","version":"1","value":"MS4yLjM=","lease":"2324035633543305006"}],
      "count":"1"}},{"response_range":{"header":{"revision":"8"}}}]})");
  Result<EtcdTxnResult> txn = ParseTxn(answer);
  ASSERT_TRUE(txn.ok()) << txn.status().message();
  EXPECT_FALSE(txn->succeeded);
  EXPECT_EQ(txn->revision, 8);
  ASSERT_EQ(txn->responses.size(), 2u);
  const auto& own = std::get<EtcdRangeResult>(txn->responses[0]);
  EXPECT_EQ(own.kvs.at(0), (EtcdKeyValue{.key = "upg/slots/A",
                                         .value = "1.2.3",
                                         .create_revision = 6,
                                         .mod_revision = 6,
                                         .version = 1,
                                         .lease = 2324035633543305006}));
  EXPECT_EQ(std::get<EtcdRangeResult>(txn->responses[1]).count, 0);
  EXPECT_TRUE(ParseTxn(json::parse(R"({"succeeded":true})"))->succeeded);
  EXPECT_FALSE(ParseTxn(json::parse(R"({"succeeded":"true"})"))->succeeded);
}

TEST(EtcdJson, TakesAKeepAliveWithoutTtlAsALostLease) {
  EXPECT_EQ(*ParseKeepAlive(json::parse(R"({"result":{"ID":"7","TTL":"5"}})"), 7), 5);
  Result<int64_t> lost = ParseKeepAlive(json::parse(R"({"result":{"ID":"7"}})"), 7);
  EXPECT_EQ(EtcdErrorOf(lost.status()), EtcdError::kLeaseNotFound);
  Result<int64_t> closing = ParseKeepAlive(
      json::parse(R"({"error":{"grpc_code":14,"http_code":503,"message":"transport is closing"}})"),
      7);
  EXPECT_EQ(EtcdErrorOf(closing.status()), EtcdError::kUnreachable);
  EXPECT_EQ(EtcdErrorOf(ParseTimeToLive(json::parse(R"({"TTL":"-1"})"), 7).status()),
            EtcdError::kLeaseNotFound);
  EXPECT_EQ(*ParseTimeToLive(json::parse(R"({"ID":"7"})"), 7), 0);
}

TEST(EtcdJson, ReadsLeaseIdsAbove2To53Exactly) {
  Result<EtcdLease> lease = ParseGrant(json::parse(R"({"ID":"9007199254740993","TTL":"5"})"));
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->id, 9007199254740993);
  EXPECT_FALSE(ParseGrant(json::parse(R"({"ID":"1.5","TTL":"5"})")).ok());
  EXPECT_FALSE(ParseGrant(json::parse(R"({"TTL":"5"})")).ok());
}

TEST(EtcdJson, GivesErrorsTheKindTheCallerActsOn) {
  auto kind = [](long http, std::string_view body) {
    return EtcdErrorOf(ErrorFromAnswer(http, body, "POST http://127.0.0.1:2379/v3/kv/put"));
  };
  EXPECT_EQ(kind(404, R"({"error":"etcdserver: requested lease not found","code":5})"),
            EtcdError::kLeaseNotFound);
  EXPECT_EQ(kind(401, R"({"message":"etcdserver: invalid auth token","code":16})"),
            EtcdError::kUnauthenticated);
  EXPECT_EQ(kind(403, R"({"message":"etcdserver: permission denied","code":7})"),
            EtcdError::kPermissionDenied);
  EXPECT_EQ(kind(400, R"({"message":"etcdserver: key is not provided","code":3})"),
            EtcdError::kBadRequest);
  EXPECT_EQ(kind(400, R"({"message":"etcdserver: user name is empty","code":3})"),
            EtcdError::kUnauthenticated);
  EXPECT_EQ(kind(503, R"({"message":"connection closed","code":14})"), EtcdError::kUnreachable);
  EXPECT_EQ(kind(404, "Not Found\n"), EtcdError::kOther);
  Status st = ErrorFromAnswer(403, R"({"message":"etcdserver: permission denied","code":7})",
                              "POST http://127.0.0.1:2379/v3/kv/put");
  EXPECT_EQ(st.message(),
            "POST http://127.0.0.1:2379/v3/kv/put: HTTP 403 (etcdserver: permission denied): the "
            "etcd user's role must grant read-write on the fleet's key prefix");
}

}  // namespace
}  // namespace nymvisor::etcd_json
