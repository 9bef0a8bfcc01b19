#include "agent/decide/signature_policy.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

SignatureEvidence Signed(std::string comment) {
  SignatureEvidence e;
  e.present = true;
  e.trusted_comment = std::move(comment);
  e.key_id = "544B232D8585806C";
  return e;
}

SignatureRules ForUpgradeInfo(bool required = true) {
  SignatureRules r;
  r.required = required;
  r.file_name = "upgrade-info.json";
  r.check_replay = true;
  return r;
}

TEST(TrustedCommentTest, ReadsMinisignsDefaultFields) {
  TrustedComment c = ParseTrustedComment("timestamp:1796124970\tfile:upgrade-info.json\thashed");
  EXPECT_EQ(c.timestamp, 1796124970);
  EXPECT_EQ(c.file, "upgrade-info.json");
  EXPECT_FALSE(ParseTrustedComment("timestamp:soon file:x").timestamp.has_value());
  EXPECT_FALSE(ParseTrustedComment("a release").file.has_value());
}

TEST(SignaturePolicyTest, UnsignedIsAcceptedOnlyWhenNotRequired) {
  SignatureDecision optional = DecideSignature({}, ForUpgradeInfo(false));
  EXPECT_TRUE(optional.accept);
  EXPECT_FALSE(optional.signed_ok);
  SignatureDecision required = DecideSignature({}, ForUpgradeInfo(true));
  EXPECT_FALSE(required.accept);
  EXPECT_EQ(required.reason,
            "upgrade-info.json is not signed (no upgrade-info.json.minisig) and "
            "nymvisor.require_signature is on");
}

TEST(SignaturePolicyTest, ABadSignatureIsRefusedEvenWhenNotRequired) {
  SignatureEvidence bad = Signed("");
  bad.verified = Status::Error("the trusted comment was changed after signing");
  SignatureDecision d = DecideSignature(bad, ForUpgradeInfo(false));
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.reason,
            "the signature of upgrade-info.json does not hold: the trusted comment was changed "
            "after signing");
}

TEST(SignaturePolicyTest, ASignatureForAnotherFileIsRefused) {
  SignatureDecision d = DecideSignature(Signed("timestamp:5\tfile:nym-node"), ForUpgradeInfo());
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.reason, "the signature served for upgrade-info.json was made for nym-node");
  EXPECT_FALSE(DecideSignature(Signed("timestamp:5"), ForUpgradeInfo()).accept) << "no file: field";
}

TEST(SignaturePolicyTest, AnOlderSignatureIsAReplay) {
  SignatureRules rules = ForUpgradeInfo();
  rules.newest_accepted = 2000;
  SignatureDecision old = DecideSignature(Signed("timestamp:1000\tfile:upgrade-info.json"), rules);
  EXPECT_FALSE(old.accept);
  EXPECT_NE(old.reason.find("older than one already accepted (2000): an old file replayed"),
            std::string::npos);
  SignatureDecision same = DecideSignature(Signed("timestamp:2000\tfile:upgrade-info.json"), rules);
  EXPECT_TRUE(same.accept) << "the same file fetched again";
  SignatureDecision newer =
      DecideSignature(Signed("timestamp:3000\tfile:upgrade-info.json"), rules);
  EXPECT_TRUE(newer.accept);
  EXPECT_TRUE(newer.signed_ok);
  EXPECT_EQ(newer.timestamp, 3000);
  EXPECT_FALSE(DecideSignature(Signed("file:upgrade-info.json"), rules).accept)
      << "no timestamp: a replay could not be told";
}

TEST(SignaturePolicyTest, BinariesAreNotCheckedForReplay) {
  SignatureRules rules;
  rules.file_name = "nym-node";
  rules.required = true;
  SignatureDecision d = DecideSignature(Signed("file:nym-node"), rules);
  EXPECT_TRUE(d.accept);
  EXPECT_EQ(d.reason, "nym-node is signed by key 544B232D8585806C");
}

}  // namespace
}  // namespace nymvisor
