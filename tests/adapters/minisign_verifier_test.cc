#include "agent/adapters/minisign_verifier.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::FixturesDir;
using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

// Signed with the real minisign tool: tests/fixtures/minisign/make-fixtures.sh.
std::string Fixture(const std::string& name) {
  return ReadFileOrDie(FixturesDir() / "minisign" / name);
}

/// The base64 line of a minisign public key file.
std::string KeyLine(const std::string& pub_file) {
  std::string text = Fixture(pub_file);
  size_t start = text.find('\n') + 1;
  return text.substr(start, text.find('\n', start) - start);
}

class MinisignVerifierTest : public ::testing::Test {
 protected:
  MinisignVerifierTest() {
    auto made = MinisignVerifier::Create({KeyLine("test.pub")});
    EXPECT_TRUE(made.ok()) << made.status().message();
    verifier_ = std::move(made).value();
  }
  std::unique_ptr<MinisignVerifier> verifier_;
  std::string data_ = Fixture("upgrade-info.json");
};

TEST_F(MinisignVerifierTest, AcceptsThePrehashedAndTheLegacyKind) {
  Result<VerifiedSignature> signed_ok =
      verifier_->Verify(Fixture("upgrade-info.json.minisig"), data_);
  ASSERT_TRUE(signed_ok.ok()) << signed_ok.status().message();
  EXPECT_NE(signed_ok->trusted_comment.find("file:upgrade-info.json"), std::string::npos);
  EXPECT_EQ(signed_ok->key_id.size(), 16u);
  Result<VerifiedSignature> legacy = verifier_->Verify(Fixture("legacy.minisig"), data_);
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  EXPECT_EQ(legacy->key_id, signed_ok->key_id);
}

TEST_F(MinisignVerifierTest, ShowsTheKeyIdAsMinisignDoes) {
  std::string pub = Fixture("test.pub");
  Result<VerifiedSignature> v = verifier_->Verify(Fixture("upgrade-info.json.minisig"), data_);
  ASSERT_TRUE(v.ok());
  EXPECT_NE(pub.find("minisign public key " + v->key_id), std::string::npos) << pub;
}

TEST_F(MinisignVerifierTest, AChangedByteIsRefused) {
  for (std::string::size_type at :
       {std::string::size_type{0}, data_.size() / 2, data_.size() - 1}) {
    std::string changed = data_;
    changed[at] ^= 1;
    Result<VerifiedSignature> v = verifier_->Verify(Fixture("upgrade-info.json.minisig"), changed);
    ASSERT_FALSE(v.ok()) << at;
    EXPECT_NE(v.status().message().find("does not match the data"), std::string::npos);
  }
  Result<VerifiedSignature> legacy = verifier_->Verify(Fixture("legacy.minisig"), data_ + " ");
  EXPECT_FALSE(legacy.ok());
}

TEST_F(MinisignVerifierTest, AnUnknownKeyIsNamed) {
  Result<VerifiedSignature> v = verifier_->Verify(Fixture("by-other-key.minisig"), data_);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("not in nymvisor.trusted_keys"), std::string::npos)
      << v.status().message();
  auto both = MinisignVerifier::Create({KeyLine("test.pub"), KeyLine("other.pub")});
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE((*both)->Verify(Fixture("by-other-key.minisig"), data_).ok()) << "any trusted key";
}

TEST_F(MinisignVerifierTest, AnEditedTrustedCommentIsRefused) {
  std::string sig = Fixture("old.minisig");
  ASSERT_TRUE(verifier_->Verify(sig, data_).ok());
  sig.replace(sig.find("timestamp:1000"), 14, "timestamp:9999");
  Result<VerifiedSignature> v = verifier_->Verify(sig, data_);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("trusted comment was changed"), std::string::npos);
}

TEST_F(MinisignVerifierTest, GarbageIsMalformedNotAPanic) {
  for (const char* text : {"", "hello\n", "untrusted comment: x\n!!!\ntrusted comment: y\n!!!\n",
                           "untrusted comment: x\nRWQ=\ntrusted comment: y\nRWQ=\n"}) {
    Result<VerifiedSignature> v = verifier_->Verify(text, data_);
    EXPECT_FALSE(v.ok()) << text;
  }
}

TEST_F(MinisignVerifierTest, FilesAreVerifiedInChunks) {
  TempDir dir;
  WriteFile(dir / "upgrade-info.json", data_);
  EXPECT_TRUE(
      verifier_->VerifyFile(Fixture("upgrade-info.json.minisig"), dir / "upgrade-info.json").ok());
  EXPECT_TRUE(verifier_->VerifyFile(Fixture("legacy.minisig"), dir / "upgrade-info.json").ok());
  WriteFile(dir / "upgrade-info.json", data_ + "x");
  EXPECT_FALSE(
      verifier_->VerifyFile(Fixture("upgrade-info.json.minisig"), dir / "upgrade-info.json").ok());
}

TEST(MinisignKeysTest, AMalformedKeyIsNamed) {
  auto made = MinisignVerifier::Create({"RWQnotakey"});
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("'RWQnotakey' is not a minisign public key"),
            std::string::npos);
}

}  // namespace
}  // namespace nymvisor
