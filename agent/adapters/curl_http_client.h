#ifndef NYMVISOR_AGENT_ADAPTERS_CURL_HTTP_CLIENT_H_
#define NYMVISOR_AGENT_ADAPTERS_CURL_HTTP_CLIENT_H_

#include "agent/ports/http_client.h"

namespace nymvisor {

/// libcurl. Each call uses its own handle, so calls on different threads are
/// safe.
class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient();
  Result<HttpResponse> Get(const HttpRequest& request, const BodySink& sink) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_CURL_HTTP_CLIENT_H_
