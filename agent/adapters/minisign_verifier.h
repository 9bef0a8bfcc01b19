#ifndef NYMVISOR_AGENT_ADAPTERS_MINISIGN_VERIFIER_H_
#define NYMVISOR_AGENT_ADAPTERS_MINISIGN_VERIFIER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/ports/signature_verifier.h"

namespace nymvisor {

/// minisign signatures checked in-process with OpenSSL (Ed25519, BLAKE2b-512
/// for the prehashed "ED" kind). Immutable after Create: any thread.
class MinisignVerifier : public SignatureVerifier {
 public:
  /// `public_keys`: minisign public keys as their base64 line ("RW..."), as
  /// nymvisor.trusted_keys holds them. A malformed key is an error naming it.
  static Result<std::unique_ptr<MinisignVerifier>> Create(
      const std::vector<std::string>& public_keys);

  Result<VerifiedSignature> Verify(std::string_view minisig, std::string_view data) override;
  Result<VerifiedSignature> VerifyFile(std::string_view minisig,
                                       const std::filesystem::path& file) override;

  struct Key {
    std::array<uint8_t, 8> id;
    std::array<uint8_t, 32> public_key;
  };
  /// A parsed .minisig file.
  struct Signature {
    bool prehashed = false;  ///< "ED": the signature is over BLAKE2b-512 of the data
    std::array<uint8_t, 8> key_id;
    std::array<uint8_t, 64> signature;
    std::string trusted_comment;
    std::array<uint8_t, 64> global_signature;  ///< over signature || trusted comment
  };

 private:
  explicit MinisignVerifier(std::vector<Key> keys) : keys_(std::move(keys)) {}
  /// Finds the signature's key and checks both signatures over `message`
  /// (the data, or its BLAKE2b-512 for a prehashed signature).
  Result<VerifiedSignature> Check(const Signature& sig, std::string_view message);

  std::vector<Key> keys_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_MINISIGN_VERIFIER_H_
