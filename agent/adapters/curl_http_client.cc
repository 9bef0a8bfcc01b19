#include "agent/adapters/curl_http_client.h"

#include <curl/curl.h>
#include <strings.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <optional>

namespace nymvisor {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

/// What the callbacks share during one transfer.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse response;
  uint64_t offset = 0;    ///< position of the next body byte in the resource
  uint64_t received = 0;  ///< body bytes of this response
  bool started = false;
  Status error;  ///< why a callback aborted the transfer
};

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
}

size_t OnHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect): start over
    t->response.etag.clear();
    t->response.last_modified.clear();
    t->response.headers.clear();
  } else if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::string value = Trim(line.substr(colon + 1));
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    t->response.headers[lower] = value;
    if (strcasecmp(name.c_str(), "ETag") == 0) t->response.etag = value;
    if (strcasecmp(name.c_str(), "Last-Modified") == 0) t->response.last_modified = value;
  }
  return size * count;
}

/// First body byte: decide where it sits in the resource.
Status StartBody(Transfer* t) {
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->response.status);
  t->offset = t->response.status == 206 ? t->request->range_start : 0;
  curl_off_t length = -1;
  curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length >= 0) t->response.total_size = t->offset + static_cast<uint64_t>(length);
  t->started = true;
  return {};
}

/// A body over HttpRequest::max_bytes, as the port names it.
Status TooLarge(const HttpRequest& request) {
  return Status::Refused(std::string(kTooLarge), "response from " + request.url +
                                                     " is larger than " +
                                                     std::to_string(request.max_bytes) + " bytes");
}

size_t OnBody(char* data, size_t size, size_t count, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * count;
  if (!t->started) t->error = StartBody(t);
  long code = t->response.status;
  bool success = code == 200 || code == 206 || (t->request->node_probe && code / 100 == 2);
  t->received += n;
  if (t->received > t->request->max_bytes) {
    t->error = TooLarge(*t->request);
  }
  if (t->error.ok() && success) {
    t->error = (*t->sink)(BodyChunk{std::string_view(data, n), t->offset, t->response.total_size});
  }
  t->offset += n;
  return t->error.ok() ? n : 0;  // returning less than n aborts the transfer
}

/// CURLOPT_RANGE rather than RESUME_FROM: a server that ignores the range and
/// sends everything (200) is accepted, and the body then restarts at offset 0.
void SetRange(CURL* c, const HttpRequest& r, std::string* range) {
  if (r.range_start == 0) return;
  *range = std::to_string(r.range_start) + "-";
  curl_easy_setopt(c, CURLOPT_RANGE, range->c_str());
}

constexpr long kMaxRedirects = 5;

bool IsHttps(const std::string& url) { return url.rfind("https://", 0) == 0; }

/// Transfer failures that upstream's setup causes: not worth retrying soon.
std::optional<Status> RedirectRefusal(CURLcode rc, const HttpRequest& r) {
  if (rc == CURLE_TOO_MANY_REDIRECTS) {
    return Status::Error("GET " + r.url + ": more than " + std::to_string(kMaxRedirects) +
                         " redirects (a redirect loop?)");
  }
  if (rc == CURLE_UNSUPPORTED_PROTOCOL && IsHttps(r.url)) {
    return Status::Error("GET " + r.url +
                         ": refused a redirect away from https (a download never downgrades "
                         "to plain http)");
  }
  return std::nullopt;
}

void SetOptions(CURL* c, const HttpRequest& r, Transfer* t, curl_slist* headers) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // A redirect never downgrades https to http, and only http(s) is followed.
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, IsHttps(r.url) ? "https" : "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, r.node_probe ? 0L : 1L);
  if (r.node_probe) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "nymvisor");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(duration_cast<milliseconds>(r.connect_timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(duration_cast<milliseconds>(r.total_timeout).count()));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(
      c, CURLOPT_LOW_SPEED_TIME,
      static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(r.stall_timeout).count()));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_bytes));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
}

curl_slist* ConditionalHeaders(const HttpRequest& r) {
  curl_slist* headers = nullptr;
  if (!r.if_none_match.empty()) {
    headers = curl_slist_append(headers, ("If-None-Match: " + r.if_none_match).c_str());
  }
  if (!r.if_modified_since.empty()) {
    headers = curl_slist_append(headers, ("If-Modified-Since: " + r.if_modified_since).c_str());
  }
  // libcurl (7.58 and later) drops a custom Authorization header when a
  // redirect leads to another host, unless CURLOPT_UNRESTRICTED_AUTH is set,
  // which it never is here.
  for (const auto& [name, value] : r.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  return headers;
}

/// 5xx and 429 may pass; other statuses say the request itself is wrong.
Status CheckStatus(const Transfer& t) {
  long status = t.response.status;
  if (status == 200 || status == 206 || status == 304) return {};
  if (t.request->node_probe && status / 100 == 2) return {};
  if (t.request->absent_is_an_answer && (status == 404 || status == 410)) return {};
  if (t.request->rate_limit_is_an_answer && (status == 403 || status == 429)) return {};
  std::string message = "HTTP status " + std::to_string(status) + " from " + t.request->url;
  if (status >= 500 || status == 429) return Status::Unavailable(message);
  return Status::Error(message);
}

}  // namespace

CurlHttpClient::CurlHttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> CurlHttpClient::Get(const HttpRequest& request, const BodySink& sink) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Error("cannot create a libcurl handle");
  std::unique_ptr<curl_slist, SlistDeleter> headers(ConditionalHeaders(request));
  Transfer t;
  t.curl = curl.get();
  t.request = &request;
  t.sink = &sink;
  SetOptions(curl.get(), request, &t, headers.get());
  std::string range;
  SetRange(curl.get(), request, &range);
  char detail[CURL_ERROR_SIZE] = {};  // says which name a certificate lacks, ...
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, detail);
  CURLcode rc = curl_easy_perform(curl.get());
  if (!t.error.ok()) return t.error;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &t.response.status);
  if (rc == CURLE_FILESIZE_EXCEEDED) {
    return TooLarge(request);
  }
  if (std::optional<Status> refused = RedirectRefusal(rc, request)) return *refused;
  if (rc != CURLE_OK) {  // network trouble: worth another try later
    std::string why = curl_easy_strerror(rc);
    if (detail[0] != '\0' && why != detail) why += " (" + std::string(detail) + ")";
    return Status::Unavailable("GET " + request.url + ": " + why);
  }
  NV_RETURN_IF_ERROR(CheckStatus(t));
  if (t.response.Absent() || t.response.RateLimited()) return t.response;
  if (!t.started && t.response.status != 304) {
    NV_RETURN_IF_ERROR(StartBody(&t));  // an empty body still fixes the size
  }
  return t.response;
}

}  // namespace nymvisor
