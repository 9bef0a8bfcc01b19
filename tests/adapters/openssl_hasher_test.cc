#include "agent/adapters/openssl_hasher.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(OpenSslHasher, KnownSha256AndSha512) {
  OpenSslHasher empty(ChecksumAlgorithm::kSha256);
  EXPECT_EQ(empty.FinalHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  OpenSslHasher abc(ChecksumAlgorithm::kSha512);
  abc.Update("a");
  abc.Update("bc");
  EXPECT_EQ(abc.FinalHex(),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

}  // namespace
}  // namespace nymvisor
