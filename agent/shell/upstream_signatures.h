#ifndef NYMVISOR_AGENT_SHELL_UPSTREAM_SIGNATURES_H_
#define NYMVISOR_AGENT_SHELL_UPSTREAM_SIGNATURES_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "agent/decide/signature_policy.h"
#include "agent/ports/http_client.h"
#include "agent/ports/signature_verifier.h"

namespace nymvisor {

/// How the agent treats upstream's minisign signatures (nymvisor.trusted_keys
/// and nymvisor.require_signature). No verifier: no trusted keys, nothing is
/// fetched; then `required` is false (the config refuses anything else).
struct SignatureSettings {
  /// Shared: a download on the worker keeps it while a reload replaces it.
  std::shared_ptr<SignatureVerifier> verifier;
  bool required = false;
  bool enabled() const { return verifier != nullptr; }
};

/// The last path component of a URL, without query or fragment: the name a
/// signature's trusted comment must give ("upgrade-info.json", "nym-node").
std::string UrlFileName(const std::string& url);

/// Fetches `<url>.minisig` and checks it over the exact bytes `data` (or
/// those of `file`). A 404 is evidence too (not signed); an error means the
/// signature could not be fetched (try again later). Blocking: worker thread.
Result<SignatureEvidence> FetchSignature(HttpClient& http, SignatureVerifier& verifier,
                                         const std::string& url, std::string_view data);
Result<SignatureEvidence> FetchFileSignature(HttpClient& http, SignatureVerifier& verifier,
                                             const std::string& url,
                                             const std::filesystem::path& file);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_UPSTREAM_SIGNATURES_H_
