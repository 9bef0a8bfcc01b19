#include "agent/shell/upstream_signatures.h"

#include <functional>

namespace nymvisor {
namespace {

constexpr uint64_t kMaxSignatureBytes = 4096;

/// The .minisig text, or nullopt when upstream has none.
Result<std::optional<std::string>> FetchMinisig(HttpClient& http, const std::string& url) {
  HttpRequest request;
  request.url = url + ".minisig";
  request.max_bytes = kMaxSignatureBytes;
  request.absent_is_an_answer = true;
  std::string body;
  Result<HttpResponse> response = http.Get(request, CollectBody(&body));
  if (!response.ok()) return response.status().WithContext("fetching the signature");
  if (response->Absent()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(body));
}

Result<SignatureEvidence> Evidence(
    HttpClient& http, const std::string& url,
    const std::function<Result<VerifiedSignature>(std::string_view minisig)>& verify) {
  NV_ASSIGN_OR_RETURN(std::optional<std::string> minisig, FetchMinisig(http, url));
  SignatureEvidence evidence;
  if (!minisig) return evidence;
  evidence.present = true;
  Result<VerifiedSignature> verified = verify(*minisig);
  if (!verified.ok()) {
    evidence.verified = verified.status();
    return evidence;
  }
  evidence.trusted_comment = verified->trusted_comment;
  evidence.key_id = verified->key_id;
  return evidence;
}

}  // namespace

std::string UrlFileName(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<SignatureEvidence> FetchSignature(HttpClient& http, SignatureVerifier& verifier,
                                         const std::string& url, std::string_view data) {
  return Evidence(http, url,
                  [&](std::string_view minisig) { return verifier.Verify(minisig, data); });
}

Result<SignatureEvidence> FetchFileSignature(HttpClient& http, SignatureVerifier& verifier,
                                             const std::string& url,
                                             const std::filesystem::path& file) {
  return Evidence(http, url,
                  [&](std::string_view minisig) { return verifier.VerifyFile(minisig, file); });
}

}  // namespace nymvisor
