#ifndef NYMVISOR_AGENT_DIGEST_H_
#define NYMVISOR_AGENT_DIGEST_H_

#include <string>
#include <string_view>

#include "agent/upgrade_info.h"

struct evp_md_ctx_st;

namespace nymvisor {

/// An incremental SHA-256 or SHA-512 (OpenSSL EVP), so a download is hashed
/// while it streams, in one pass. One thread at a time.
class Hasher {
 public:
  explicit Hasher(ChecksumAlgorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::string_view data);
  /// The lower-case hex digest; call once, at the end.
  std::string FinalHex();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DIGEST_H_
