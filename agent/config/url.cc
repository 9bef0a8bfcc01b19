#include "agent/config/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "agent/base/url_redaction.h"

namespace nymvisor {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

Result<UrlHandle> ParseUrl(std::string_view url) {
  UrlHandle handle(curl_url());
  std::string text(url);
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0);
  if (rc != CURLUE_OK) {
    return Status::Error("invalid URL '" + text + "': " + curl_url_strerror(rc));
  }
  return handle;
}

Result<std::string> GetPart(CURLU* u, CURLUPart part) {
  char* raw = nullptr;
  CURLUcode rc = curl_url_get(u, part, &raw, 0);
  CurlString owned(raw);
  if (rc != CURLUE_OK) return Status::NotFound(curl_url_strerror(rc));
  return std::string(raw);
}

}  // namespace

Status ValidateHttpUrl(std::string_view url) {
  NV_ASSIGN_OR_RETURN(UrlHandle handle, ParseUrl(url));
  NV_ASSIGN_OR_RETURN(std::string scheme, GetPart(handle.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return Status::Error("URL '" + RedactUrl(url) + "' must use http or https");
  }
  Result<std::string> host = GetPart(handle.get(), CURLUPART_HOST);
  if (!host.ok() || host->empty()) {
    return Status::Error("URL '" + RedactUrl(url) + "' has no host");
  }
  return {};
}

Result<std::string> NormalizeHttpUrl(std::string_view url) {
  NV_RETURN_IF_ERROR(ValidateHttpUrl(url));
  NV_ASSIGN_OR_RETURN(UrlHandle handle, ParseUrl(url));
  // libcurl already resolves dot segments, adds the "/" path of a bare host
  // and writes numeric IPv4 hosts in dotted form; scheme and host case and
  // the default port are done here.
  for (CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST}) {
    NV_ASSIGN_OR_RETURN(std::string text, GetPart(handle.get(), part));
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower != text && curl_url_set(handle.get(), part, lower.c_str(), 0) != CURLUE_OK) {
      return Status::Error("cannot normalise the URL '" + std::string(url) + "'");
    }
  }
  char* raw = nullptr;
  CURLUcode rc = curl_url_get(handle.get(), CURLUPART_URL, &raw, CURLU_NO_DEFAULT_PORT);
  CurlString owned(raw);
  if (rc != CURLUE_OK) return Status::Error("invalid URL '" + std::string(url) + "'");
  return std::string(raw);
}

namespace {

/// localhost, or an IPv4 (dotted, as libcurl writes it) or IPv6 address
/// (libcurl keeps its brackets).
bool IsLoopbackOrAddress(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host == "localhost") return true;
  unsigned char addr[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    std::string inner = host.substr(1, host.size() - 2);
    return inet_pton(AF_INET6, inner.c_str(), addr) == 1;
  }
  return inet_pton(AF_INET, host.c_str(), addr) == 1;
}

}  // namespace

Status ValidateNodeApiUrl(std::string_view url) {
  NV_RETURN_IF_ERROR(ValidateHttpUrl(url));
  NV_ASSIGN_OR_RETURN(UrlHandle handle, ParseUrl(url));
  if (GetPart(handle.get(), CURLUPART_USER).ok()) {
    return Status::Error("URL '" + RedactUrl(url) +
                         "' must not carry a user or password: the node's API needs none");
  }
  NV_ASSIGN_OR_RETURN(std::string host, GetPart(handle.get(), CURLUPART_HOST));
  if (!IsLoopbackOrAddress(host)) {
    return Status::Error("URL '" + RedactUrl(url) + "' names the host '" + host +
                         "'; use 127.0.0.1 (or the node's own IP address written as one), "
                         "so that a name resolved elsewhere cannot answer for the node");
  }
  return {};
}

Result<std::string> UpgradeInfoUrlFromBase(std::string_view base, std::string_view daemon_name) {
  NV_RETURN_IF_ERROR(ValidateHttpUrl(base));
  NV_ASSIGN_OR_RETURN(UrlHandle handle, ParseUrl(base));
  NV_ASSIGN_OR_RETURN(std::string path, GetPart(handle.get(), CURLUPART_PATH));
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += "/" + std::string(daemon_name) + "/upgrade-info.json";
  if (curl_url_set(handle.get(), CURLUPART_PATH, path.c_str(), 0) != CURLUE_OK) {
    return Status::Error("cannot build the upstream URL from '" + RedactUrl(base) + "'");
  }
  return GetPart(handle.get(), CURLUPART_URL);
}

}  // namespace nymvisor
