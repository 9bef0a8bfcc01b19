#include "agent/adapters/etcd_json.h"

#include <openssl/evp.h>

#include <charconv>
#include <vector>

namespace nymvisor::etcd_json {
namespace {

using nlohmann::json;

Status Malformed(std::string_view what) {
  return EtcdStatus(EtcdError::kOther, "etcd answered with " + std::string(what) +
                                           ": is the endpoint an etcd v3 gateway (3.4 or later)?");
}

/// Base64 of a string field that may be absent ("" then).
Result<std::string> BytesField(const json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end()) return std::string();
  if (!it->is_string()) return Malformed("a non-string \"" + std::string(name) + "\"");
  return Base64Decode(it->get<std::string>(), name);
}

Result<EtcdKeyValue> ParseKeyValue(const json& kv) {
  if (!kv.is_object()) return Malformed("a key that is not an object");
  EtcdKeyValue out;
  NV_ASSIGN_OR_RETURN(out.key, BytesField(kv, "key"));
  NV_ASSIGN_OR_RETURN(out.value, BytesField(kv, "value"));
  NV_ASSIGN_OR_RETURN(out.create_revision, Int64Field(kv, "create_revision"));
  NV_ASSIGN_OR_RETURN(out.mod_revision, Int64Field(kv, "mod_revision"));
  NV_ASSIGN_OR_RETURN(out.version, Int64Field(kv, "version"));
  NV_ASSIGN_OR_RETURN(out.lease, Int64Field(kv, "lease"));
  return out;
}

/// The revision of an answer's header (0 when absent).
Result<int64_t> HeaderRevision(const json& answer) {
  auto it = answer.find("header");
  if (it == answer.end() || !it->is_object()) return int64_t{0};
  return Int64Field(*it, "revision");
}

Result<EtcdOpResult> ParseOpResult(const json& response) {
  if (!response.is_object()) return Malformed("a txn response that is not an object");
  if (auto it = response.find("response_range"); it != response.end()) {
    NV_ASSIGN_OR_RETURN(EtcdRangeResult r, ParseRange(*it));
    return EtcdOpResult(std::move(r));
  }
  if (auto it = response.find("response_put"); it != response.end()) {
    NV_ASSIGN_OR_RETURN(EtcdPutResult r, ParsePut(*it));
    return EtcdOpResult(r);
  }
  if (auto it = response.find("response_delete_range"); it != response.end()) {
    NV_ASSIGN_OR_RETURN(EtcdDeleteResult r, ParseDelete(*it));
    return EtcdOpResult(r);
  }
  return Malformed("an unknown txn response " + response.dump());
}

const char* TargetName(EtcdCompare::Target t) {
  switch (t) {
    case EtcdCompare::Target::kVersion:
      return "VERSION";
    case EtcdCompare::Target::kCreate:
      return "CREATE";
    case EtcdCompare::Target::kMod:
      return "MOD";
    case EtcdCompare::Target::kValue:
      return "VALUE";
    case EtcdCompare::Target::kLease:
      return "LEASE";
  }
  return "VERSION";
}

const char* ResultName(EtcdCompare::Result r) {
  switch (r) {
    case EtcdCompare::Result::kEqual:
      return "EQUAL";
    case EtcdCompare::Result::kGreater:
      return "GREATER";
    case EtcdCompare::Result::kLess:
      return "LESS";
    case EtcdCompare::Result::kNotEqual:
      return "NOT_EQUAL";
  }
  return "EQUAL";
}

json CompareRequest(const EtcdCompare& c) {
  json out = {{"key", Base64Encode(c.key)},
              {"target", TargetName(c.target)},
              {"result", ResultName(c.result)}};
  if (!c.range_end.empty()) out["range_end"] = Base64Encode(c.range_end);
  std::string number = std::to_string(c.number);
  switch (c.target) {
    case EtcdCompare::Target::kVersion:
      out["version"] = number;
      break;
    case EtcdCompare::Target::kCreate:
      out["create_revision"] = number;
      break;
    case EtcdCompare::Target::kMod:
      out["mod_revision"] = number;
      break;
    case EtcdCompare::Target::kValue:
      out["value"] = Base64Encode(c.value);
      break;
    case EtcdCompare::Target::kLease:
      out["lease"] = number;
      break;
  }
  return out;
}

json OpRequest(const EtcdOp& op) {
  if (const auto* r = std::get_if<EtcdRange>(&op)) return {{"request_range", RangeRequest(*r)}};
  if (const auto* p = std::get_if<EtcdPut>(&op)) return {{"request_put", PutRequest(*p)}};
  return {{"request_delete_range", DeleteRequest(std::get<EtcdDelete>(op))}};
}

/// etcd's gRPC code in an error body, or -1.
int GrpcCode(const json& error) {
  for (const char* name : {"code", "grpc_code"}) {
    auto it = error.find(name);
    if (it != error.end() && it->is_number_integer()) return it->get<int>();
  }
  return -1;
}

EtcdError KindOf(long http_status, int code) {
  if (code == 5) return EtcdError::kLeaseNotFound;
  if (code == 16 || http_status == 401) return EtcdError::kUnauthenticated;
  if (code == 7 || http_status == 403) return EtcdError::kPermissionDenied;
  if (code == 14 || http_status == 503) return EtcdError::kUnreachable;
  if (code == 3 || http_status == 400) return EtcdError::kBadRequest;
  return EtcdError::kOther;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text, std::string_view field) {
  if (text.size() % 4 != 0) return Malformed("a \"" + std::string(field) + "\" that is not base64");
  std::string out(3 * (text.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Malformed("a \"" + std::string(field) + "\" that is not base64");
  size_t padding = 0;  // EVP_DecodeBlock counts '=' padding as zero bytes
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with("=")) {
    padding = 1;
  }
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

Result<int64_t> Int64Field(const json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return int64_t{0};
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size()) return value;
  }
  return Malformed("a \"" + std::string(name) + "\" that is not an integer: " + it->dump());
}

json RangeRequest(const EtcdRange& range) {
  json out = {{"key", Base64Encode(range.key)}};
  if (!range.range_end.empty()) out["range_end"] = Base64Encode(range.range_end);
  if (range.sort_by_create) {
    out["sort_order"] = "ASCEND";
    out["sort_target"] = "CREATE";
  }
  if (range.limit > 0) out["limit"] = std::to_string(range.limit);
  if (range.keys_only) out["keys_only"] = true;
  return out;
}

json PutRequest(const EtcdPut& put) {
  json out = {{"key", Base64Encode(put.key)}, {"value", Base64Encode(put.value)}};
  if (put.lease != 0) out["lease"] = std::to_string(put.lease);
  return out;
}

json DeleteRequest(const EtcdDelete& del) {
  json out = {{"key", Base64Encode(del.key)}};
  if (!del.range_end.empty()) out["range_end"] = Base64Encode(del.range_end);
  return out;
}

json TxnRequest(const EtcdTxn& txn) {
  json out = {{"compare", json::array()}, {"success", json::array()}, {"failure", json::array()}};
  for (const EtcdCompare& c : txn.compare) out["compare"].push_back(CompareRequest(c));
  for (const EtcdOp& op : txn.success) out["success"].push_back(OpRequest(op));
  for (const EtcdOp& op : txn.failure) out["failure"].push_back(OpRequest(op));
  return out;
}

Result<EtcdRangeResult> ParseRange(const json& answer) {
  if (!answer.is_object()) return Malformed("a range answer that is not an object");
  EtcdRangeResult out;
  if (auto it = answer.find("kvs"); it != answer.end()) {
    if (!it->is_array()) return Malformed("\"kvs\" that is not a list");
    for (const json& kv : *it) {
      NV_ASSIGN_OR_RETURN(EtcdKeyValue parsed, ParseKeyValue(kv));
      out.kvs.push_back(std::move(parsed));
    }
  }
  NV_ASSIGN_OR_RETURN(out.count, Int64Field(answer, "count"));
  NV_ASSIGN_OR_RETURN(out.revision, HeaderRevision(answer));
  return out;
}

Result<EtcdPutResult> ParsePut(const json& answer) {
  if (!answer.is_object()) return Malformed("a put answer that is not an object");
  NV_ASSIGN_OR_RETURN(int64_t revision, HeaderRevision(answer));
  return EtcdPutResult{.revision = revision};
}

Result<EtcdDeleteResult> ParseDelete(const json& answer) {
  if (!answer.is_object()) return Malformed("a delete answer that is not an object");
  EtcdDeleteResult out;
  NV_ASSIGN_OR_RETURN(out.deleted, Int64Field(answer, "deleted"));
  NV_ASSIGN_OR_RETURN(out.revision, HeaderRevision(answer));
  return out;
}

Result<EtcdTxnResult> ParseTxn(const json& answer) {
  if (!answer.is_object()) return Malformed("a txn answer that is not an object");
  EtcdTxnResult out;
  auto ok = answer.find("succeeded");
  out.succeeded = ok != answer.end() && ok->is_boolean() && ok->get<bool>();
  if (auto it = answer.find("responses"); it != answer.end()) {
    if (!it->is_array()) return Malformed("\"responses\" that is not a list");
    for (const json& r : *it) {
      NV_ASSIGN_OR_RETURN(EtcdOpResult parsed, ParseOpResult(r));
      out.responses.push_back(std::move(parsed));
    }
  }
  NV_ASSIGN_OR_RETURN(out.revision, HeaderRevision(answer));
  return out;
}

Result<EtcdLease> ParseGrant(const json& answer) {
  if (!answer.is_object()) return Malformed("a lease grant that is not an object");
  if (auto it = answer.find("error"); it != answer.end() && it->is_string() && !it->empty()) {
    return EtcdStatus(EtcdError::kOther, "etcd refused a lease: " + it->get<std::string>());
  }
  EtcdLease out;
  NV_ASSIGN_OR_RETURN(out.id, Int64Field(answer, "ID"));
  NV_ASSIGN_OR_RETURN(out.ttl, Int64Field(answer, "TTL"));
  if (out.id == 0 || out.ttl <= 0) return Malformed("a lease grant without ID or TTL");
  return out;
}

Result<int64_t> ParseKeepAlive(const json& answer, int64_t lease_id) {
  if (!answer.is_object()) return Malformed("a keepalive answer that is not an object");
  if (auto it = answer.find("error"); it != answer.end() && it->is_object()) {
    int code = GrpcCode(*it);
    long http = it->value("http_code", 0L);
    return EtcdStatus(KindOf(http, code),
                      "etcd keepalive failed: " + it->value("message", std::string("?")));
  }
  auto result = answer.find("result");
  if (result == answer.end() || !result->is_object())
    return Malformed("a keepalive without result");
  NV_ASSIGN_OR_RETURN(int64_t ttl, Int64Field(*result, "TTL"));
  if (ttl <= 0) {
    return EtcdLeaseLost(lease_id);
  }
  return ttl;
}

Result<int64_t> ParseTimeToLive(const json& answer, int64_t lease_id) {
  if (!answer.is_object()) return Malformed("a timetolive answer that is not an object");
  NV_ASSIGN_OR_RETURN(int64_t ttl, Int64Field(answer, "TTL"));
  if (ttl < 0) {
    return EtcdLeaseLost(lease_id);
  }
  return ttl;
}

Result<std::string> ParseToken(const json& answer) {
  auto it = answer.find("token");
  if (!answer.is_object() || it == answer.end() || !it->is_string() || it->empty()) {
    return Malformed("a login answer without a token");
  }
  return it->get<std::string>();
}

Status ErrorFromAnswer(long http_status, std::string_view body, std::string_view what) {
  json parsed = json::parse(body, nullptr, false);
  int code = -1;
  std::string words(body.substr(0, 200));
  while (!words.empty() && (words.back() == '\n' || words.back() == '\r')) words.pop_back();
  if (parsed.is_object()) {
    code = GrpcCode(parsed);
    if (auto m = parsed.find("message"); m != parsed.end() && m->is_string()) words = *m;
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(http_status);
  if (!words.empty()) message += " (" + words + ")";
  EtcdError kind = KindOf(http_status, code);
  // etcd answers a call without a token, once auth is on, with a plain 400.
  if (words.find("user name is empty") != std::string::npos) {
    kind = EtcdError::kUnauthenticated;
    message += ": etcd requires a login; give the fleet's etcd user and password";
  }
  if (kind == EtcdError::kPermissionDenied) {
    message += ": the etcd user's role must grant read-write on the fleet's key prefix";
  }
  return EtcdStatus(kind, message);
}

}  // namespace nymvisor::etcd_json
