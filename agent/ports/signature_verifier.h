#ifndef NYMVISOR_AGENT_PORTS_SIGNATURE_VERIFIER_H_
#define NYMVISOR_AGENT_PORTS_SIGNATURE_VERIFIER_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// What a signature that checked out says about itself.
struct VerifiedSignature {
  std::string key_id;           ///< the signing key's id, 16 upper-case hex digits
  std::string trusted_comment;  ///< covered by the signature (decide/signature_policy.h reads it)
};

/// Checks minisign signatures (Ed25519, the pure and the BLAKE2b-prehashed
/// kind) against the keys it was made with. Both the signature over the data
/// and the one over the trusted comment must hold. An error names what
/// failed: a malformed signature, an unknown key, data or a comment that was
/// changed. Stateless: callable from any thread.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  /// `minisig` is the text of a .minisig file; `data` the exact bytes served.
  virtual Result<VerifiedSignature> Verify(std::string_view minisig, std::string_view data) = 0;
  /// The same over a file's bytes, read in chunks.
  virtual Result<VerifiedSignature> VerifyFile(std::string_view minisig,
                                               const std::filesystem::path& file) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_SIGNATURE_VERIFIER_H_
