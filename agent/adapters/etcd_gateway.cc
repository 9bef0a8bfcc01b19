#include "agent/adapters/etcd_gateway.h"

#include <curl/curl.h>

#include <memory>

#include "agent/adapters/etcd_json.h"

namespace nymvisor {
namespace {

using nlohmann::json;

constexpr size_t kMaxAnswer = 16 << 20;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct HttpAnswer {
  long status = 0;
  std::string body;
};

size_t OnBody(char* data, size_t size, size_t count, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  if (body->size() + size * count > kMaxAnswer) return 0;
  body->append(data, size * count);
  return size * count;
}

long Millis(Duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

void SetTls(CURL* c, const EtcdGatewayOptions& o) {
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, o.cert_file.c_str());
  if (!o.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, o.key_file.c_str());
}

/// Transfer failures that say the endpoint is not there (or not now).
bool Unreachable(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

/// One POST; a transfer failure names the URL and, for TLS, the files.
Result<HttpAnswer> PostOnce(const EtcdGatewayOptions& o, const std::string& url,
                            const std::string& body, const std::string& token) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return EtcdStatus(EtcdError::kOther, "cannot create a libcurl handle");
  CURL* c = curl.get();
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!token.empty()) list = curl_slist_append(list, ("Authorization: " + token).c_str());
  std::unique_ptr<curl_slist, SlistDeleter> headers(list);
  HttpAnswer answer;
  char detail[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "nymvisor");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, Millis(o.connect_timeout));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, Millis(o.call_timeout));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  SetTls(c, o);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string why = curl_easy_strerror(rc);
    if (detail[0] != '\0' && why != detail) why += " (" + std::string(detail) + ")";
    if (Unreachable(rc)) return EtcdStatus(EtcdError::kUnreachable, "POST " + url + ": " + why);
    return EtcdStatus(EtcdError::kOther,
                      "POST " + url + ": " + why +
                          " (check the etcd URL and the TLS files: CA, client certificate, key)");
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '/' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string LeaseIdJson(int64_t id) { return std::to_string(id); }

}  // namespace

Result<EtcdCredentials> ParseEtcdCredentials(std::string_view text, std::string_view file) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.ends_with('\r')) text.remove_suffix(1);
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == text.size() ||
      text.find('\n') != std::string_view::npos) {
    return Status::Error(std::string(file) +
                         ": the etcd credentials file must hold one line, user:password");
  }
  return EtcdCredentials{.user = std::string(text.substr(0, colon)),
                         .password = std::string(text.substr(colon + 1))};
}

EtcdGateway::EtcdGateway(EtcdGatewayOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  for (std::string& e : options_.endpoints) e = Trim(e);
  tokens_.resize(options_.endpoints.size());
}

Result<json> EtcdGateway::Post(size_t index, std::string_view path, const json& body) {
  std::string token;
  {
    std::lock_guard lock(mu_);
    token = tokens_[index];
  }
  std::string url = options_.endpoints[index] + std::string(path);
  NV_ASSIGN_OR_RETURN(HttpAnswer answer, PostOnce(options_, url, body.dump(), token));
  if (answer.status != 200)
    return etcd_json::ErrorFromAnswer(answer.status, answer.body, "POST " + url);
  json parsed = json::parse(answer.body, nullptr, false);
  if (parsed.is_discarded()) {
    return EtcdStatus(EtcdError::kOther, "POST " + url + ": the answer is not JSON: is " +
                                             options_.endpoints[index] + " an etcd client URL?");
  }
  return parsed;
}

Status EtcdGateway::Login(size_t index) {
  const EtcdCredentials& c = *options_.credentials;
  {
    std::lock_guard lock(mu_);
    tokens_[index].clear();
  }
  json body = {{"name", c.user}, {"password", c.password}};
  Result<json> answer = Post(index, "/v3/auth/authenticate", body);
  if (!answer.ok()) {
    EtcdError kind = EtcdErrorOf(answer.status());
    // A refused login is a 400 ("authentication failed"); anything else
    // (no connection, TLS) is not about the credentials.
    if (kind != EtcdError::kBadRequest && kind != EtcdError::kUnauthenticated) {
      return answer.status();
    }
    return EtcdStatus(EtcdError::kUnauthenticated,
                      "etcd refused the login of user \"" + c.user + "\" (credentials from " +
                          options_.credentials_source + "): " + answer.status().message());
  }
  NV_ASSIGN_OR_RETURN(std::string token, etcd_json::ParseToken(*answer));
  std::lock_guard lock(mu_);
  tokens_[index] = std::move(token);
  return {};
}

Result<json> EtcdGateway::CallOn(size_t index, std::string_view path, const json& body) {
  if (options_.credentials) {
    bool logged_in;
    {
      std::lock_guard lock(mu_);
      logged_in = !tokens_[index].empty();
    }
    if (!logged_in) NV_RETURN_IF_ERROR(Login(index));
  }
  Result<json> answer = Post(index, path, body);
  if (options_.credentials && EtcdErrorOf(answer.status()) == EtcdError::kUnauthenticated) {
    NV_RETURN_IF_ERROR(Login(index));  // the token expired (simple tokens idle out)
    answer = Post(index, path, body);
  }
  return answer;
}

Result<json> EtcdGateway::Call(std::string_view path, const json& body) {
  size_t n = options_.endpoints.size();
  if (n == 0) return EtcdStatus(EtcdError::kUnreachable, "no etcd endpoints are configured");
  size_t first;
  {
    std::lock_guard lock(mu_);
    first = preferred_;
  }
  std::string failures;
  for (size_t i = 0; i < n; ++i) {
    size_t index = (first + i) % n;
    Result<json> answer = CallOn(index, path, body);
    if (EtcdErrorOf(answer.status()) != EtcdError::kUnreachable) {
      std::lock_guard lock(mu_);
      preferred_ = index;
      return answer;
    }
    failures += (failures.empty() ? "" : "; ") + answer.status().message();
  }
  return EtcdStatus(EtcdError::kUnreachable,
                    "no etcd endpoint answered (is etcd running there?): " + failures);
}

Result<EtcdRangeResult> EtcdGateway::Range(const EtcdRange& range) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/kv/range", etcd_json::RangeRequest(range)));
  return etcd_json::ParseRange(answer);
}

Result<EtcdTxnResult> EtcdGateway::Txn(const EtcdTxn& txn) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/kv/txn", etcd_json::TxnRequest(txn)));
  return etcd_json::ParseTxn(answer);
}

Result<EtcdPutResult> EtcdGateway::Put(const EtcdPut& put) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/kv/put", etcd_json::PutRequest(put)));
  return etcd_json::ParsePut(answer);
}

Result<EtcdDeleteResult> EtcdGateway::DeleteRange(const EtcdDelete& del) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/kv/deleterange", etcd_json::DeleteRequest(del)));
  return etcd_json::ParseDelete(answer);
}

Result<EtcdLease> EtcdGateway::GrantLease(int64_t ttl_seconds) {
  // "TTL" in upper case: etcd ignores an unknown "ttl" and grants 2 s.
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/lease/grant", {{"TTL", std::to_string(ttl_seconds)}}));
  return etcd_json::ParseGrant(answer);
}

Result<int64_t> EtcdGateway::KeepAlive(int64_t lease_id) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/lease/keepalive", {{"ID", LeaseIdJson(lease_id)}}));
  return etcd_json::ParseKeepAlive(answer, lease_id);
}

Status EtcdGateway::RevokeLease(int64_t lease_id) {
  return Call("/v3/lease/revoke", {{"ID", LeaseIdJson(lease_id)}}).status();
}

Result<int64_t> EtcdGateway::TimeToLive(int64_t lease_id) {
  NV_ASSIGN_OR_RETURN(json answer, Call("/v3/lease/timetolive", {{"ID", LeaseIdJson(lease_id)}}));
  return etcd_json::ParseTimeToLive(answer, lease_id);
}

}  // namespace nymvisor
