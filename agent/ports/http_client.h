#ifndef NYMVISOR_AGENT_PORTS_HTTP_CLIENT_H_
#define NYMVISOR_AGENT_PORTS_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"

namespace nymvisor {

/// The Status::Refused reason of a body larger than HttpRequest::max_bytes.
inline constexpr std::string_view kTooLarge = "TooLarge";

using namespace std::chrono_literals;

/// One GET. TLS certificates are always verified; only http and https are used.
struct HttpRequest {
  std::string url;
  std::string if_none_match;      ///< ETag of an earlier response: a conditional GET
  std::string if_modified_since;  ///< Last-Modified of an earlier response
  uint64_t range_start = 0;       ///< resume: ask for the bytes from here on
  uint64_t max_bytes = 1 << 20;   ///< a larger body is refused: Refused(kTooLarge)
  Duration connect_timeout = 10s;
  Duration total_timeout = 60s;
  Duration stall_timeout = 60s;  ///< abort when under 1 KiB/s for this long
  /// 404 and 410 are an answer ("there is none": HttpResponse::Absent())
  /// rather than an error; for optional files such as signatures.
  bool absent_is_an_answer = false;
  /// 403 and 429 are an answer (with the headers that say when to try
  /// again) rather than an error; for rate-limited APIs.
  bool rate_limit_is_an_answer = false;
  /// Extra request headers (Accept, an API version, Authorization). An
  /// Authorization header is never sent on to another host after a redirect.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Probes of the node's own API (daemon.health_check_url): every 2xx is a
  /// success (a health endpoint may answer 204), redirects are not followed
  /// (a 3xx is an error) and no proxy is used (an HTTPS_PROXY in the
  /// environment would otherwise answer for 127.0.0.1).
  bool node_probe = false;
};

struct HttpResponse {
  long status = 0;
  std::string etag;
  std::string last_modified;
  std::optional<uint64_t> total_size;  ///< of the whole resource, when known
  /// Every header of the final response, by lower-case name.
  std::map<std::string, std::string> headers;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  bool NotModified() const { return status == 304; }
  bool RateLimited() const { return status == 403 || status == 429; }
  bool Absent() const { return status == 404 || status == 410; }
};

/// A piece of the body and where it sits in the whole resource: a server that
/// ignores a Range request starts again at 0, and the receiver must too.
struct BodyChunk {
  std::string_view data;
  uint64_t offset;
  std::optional<uint64_t> total;  ///< size of the whole resource, when announced
};
using BodySink = std::function<Status(const BodyChunk& chunk)>;

/// A sink that keeps the whole body in `*body` (small answers: JSON, a
/// signature). A chunk from offset 0 again (a server that ignored a range)
/// starts it over. `body` must outlive the Get.
inline BodySink CollectBody(std::string* body) {
  return [body](const BodyChunk& chunk) {
    body->resize(chunk.offset);
    body->append(chunk.data);
    return Status();
  };
}

/// HTTP GET behind an interface so tests need no network. Only 200, 206 and
/// 304 are successes; any other status is an error naming it and the URL, and
/// its body never reaches the sink. Network failures, 5xx and 429 are
/// Status::Unavailable (try again later). Blocking: call it from a worker thread.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Get(const HttpRequest& request, const BodySink& sink) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_HTTP_CLIENT_H_
