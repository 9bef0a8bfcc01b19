#include "agent/adapters/openssl_hasher.h"

#include <openssl/evp.h>

#include <cstdio>

namespace nymvisor {

OpenSslHasher::OpenSslHasher(ChecksumAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()) {
  const EVP_MD* md = algorithm == ChecksumAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
  EVP_DigestInit_ex(ctx_, md, nullptr);
}

OpenSslHasher::~OpenSslHasher() { EVP_MD_CTX_free(ctx_); }

void OpenSslHasher::Update(std::string_view data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
}

std::string OpenSslHasher::FinalHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, digest, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

std::unique_ptr<Hasher> MakeOpenSslHasher(ChecksumAlgorithm algorithm) {
  return std::make_unique<OpenSslHasher>(algorithm);
}

}  // namespace nymvisor
