#ifndef NYMVISOR_AGENT_ADAPTERS_ETCD_JSON_H_
#define NYMVISOR_AGENT_ADAPTERS_ETCD_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "agent/ports/etcd.h"

namespace nymvisor::etcd_json {

/// The wire format of etcd's v3 JSON gateway (3.4 and later): keys, values
/// and range ends are base64, int64 fields are JSON strings both ways (lease
/// ids exceed 2^53), fields whose value is zero are left out of answers.
/// Pure functions over values; any thread.

std::string Base64Encode(std::string_view bytes);
/// Strict base64 (padding required); an error names the field.
Result<std::string> Base64Decode(std::string_view text, std::string_view field);

nlohmann::json RangeRequest(const EtcdRange& range);
nlohmann::json PutRequest(const EtcdPut& put);
nlohmann::json DeleteRequest(const EtcdDelete& del);
nlohmann::json TxnRequest(const EtcdTxn& txn);

/// Answers of /v3/kv/range, put, deleterange and txn (the body as parsed).
Result<EtcdRangeResult> ParseRange(const nlohmann::json& answer);
Result<EtcdPutResult> ParsePut(const nlohmann::json& answer);
Result<EtcdDeleteResult> ParseDelete(const nlohmann::json& answer);
/// `succeeded` is true only when the answer says so: etcd leaves it out
/// when false.
Result<EtcdTxnResult> ParseTxn(const nlohmann::json& answer);
/// /v3/lease/grant: {"ID":"…","TTL":"…"}.
Result<EtcdLease> ParseGrant(const nlohmann::json& answer);
/// /v3/lease/keepalive: {"result":{"ID":…,"TTL":…}}; a missing or zero TTL
/// is a lost lease (kLeaseNotFound); {"error":{…}} from the stream is mapped
/// like an HTTP error.
Result<int64_t> ParseKeepAlive(const nlohmann::json& answer, int64_t lease_id);
/// /v3/lease/timetolive: TTL -1 is a lost lease; a missing TTL is 0.
Result<int64_t> ParseTimeToLive(const nlohmann::json& answer, int64_t lease_id);
/// /v3/auth/authenticate: the token.
Result<std::string> ParseToken(const nlohmann::json& answer);

/// The Status of an HTTP answer that is not 200: etcd's gRPC code (in the
/// body, when it is JSON) and the HTTP status give the kind; the message
/// names `what` (the path and endpoint) and etcd's own words.
Status ErrorFromAnswer(long http_status, std::string_view body, std::string_view what);

/// An int64 field given as a JSON string or number; absent is 0.
Result<int64_t> Int64Field(const nlohmann::json& object, std::string_view name);

}  // namespace nymvisor::etcd_json

#endif  // NYMVISOR_AGENT_ADAPTERS_ETCD_JSON_H_
