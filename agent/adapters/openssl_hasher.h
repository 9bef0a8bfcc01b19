#ifndef NYMVISOR_AGENT_ADAPTERS_OPENSSL_HASHER_H_
#define NYMVISOR_AGENT_ADAPTERS_OPENSSL_HASHER_H_

#include "agent/ports/hasher.h"

struct evp_md_ctx_st;

namespace nymvisor {

/// Hasher over OpenSSL's EVP digests. One thread at a time.
class OpenSslHasher : public Hasher {
 public:
  explicit OpenSslHasher(ChecksumAlgorithm algorithm);
  ~OpenSslHasher() override;
  OpenSslHasher(const OpenSslHasher&) = delete;
  OpenSslHasher& operator=(const OpenSslHasher&) = delete;

  void Update(std::string_view data) override;
  std::string FinalHex() override;

 private:
  evp_md_ctx_st* ctx_;
};

/// The HasherFactory of the real agent.
std::unique_ptr<Hasher> MakeOpenSslHasher(ChecksumAlgorithm algorithm);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_OPENSSL_HASHER_H_
