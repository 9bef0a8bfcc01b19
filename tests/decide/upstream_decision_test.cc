#include "agent/decide/upstream_decision.h"

#include <gtest/gtest.h>

#include "tests/support/builders.h"

namespace nymvisor {
namespace {

using testing::GenesisPlan;
using testing::Upgrade;

constexpr char kPlatform[] = "linux-x86_64";

/// An offer whose binary for `platform` has `checksum`.
UpgradeInfo OfferBinary(const std::string& name, const std::string& version,
                        const std::string& checksum, const std::string& platform = kPlatform) {
  UpgradeInfo info = Upgrade(name, version);
  info.platforms[platform] = {checksum, ChecksumAlgorithm::kSha256, "https://x/" + name};
  return info;
}

HistoryEntry Ran(const UpgradeInfo& info, UpgradeOutcome outcome) {
  HistoryEntry e;
  e.performed_at = *ParseTimestamp("2026-11-20T10:00:00Z");
  e.info = info;
  e.outcome = outcome;
  e.reason = "the unit failed";
  return e;
}

UpstreamVerdict Verdict(const UpgradeInfo& offer, const UpgradePlan& plan,
                        const UpgradeHistory& history = {}) {
  return DecideUpstream(offer, plan, history, kPlatform).verdict;
}

TEST(DecideUpstream, QueuesOnlyNewerVersions) {
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0")), UpstreamVerdict::kQueue);
  EXPECT_EQ(Verdict(Upgrade("v2", "1.10.0"), GenesisPlan("1.9.0")), UpstreamVerdict::kQueue);
  EXPECT_EQ(Verdict(Upgrade("same", "1.1.0"), GenesisPlan("1.1.0")), UpstreamVerdict::kUpToDate);
  UpstreamDecision d = DecideUpstream(Upgrade("old", "1.0.9"), GenesisPlan("1.1.0"), {}, kPlatform);
  EXPECT_EQ(d.verdict, UpstreamVerdict::kDowngrade);
  EXPECT_EQ(d.detail, "upstream offers 1.0.9, older than the running 1.1.0");
}

TEST(DecideUpstream, RecognisesWhatIsAlreadyQueued) {
  UpgradePlan plan = GenesisPlan("1.1.0");
  InsertQueued(&plan, Upgrade("v2", "1.2.0"));
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.0"), plan), UpstreamVerdict::kAlreadyQueued);
  UpstreamDecision renamed = DecideUpstream(Upgrade("v2-final", "1.2.0"), plan, {}, kPlatform);
  EXPECT_EQ(renamed.verdict, UpstreamVerdict::kNameConflict);
  EXPECT_NE(renamed.detail.find("already queued as upgrade 'v2'"), std::string::npos);
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.1"), plan), UpstreamVerdict::kNameConflict);
}

TEST(DecideUpstream, UpstreamMayMoveItsOwnQueuedUpgradeButNotOneQueuedByHand) {
  UpgradePlan plan = GenesisPlan("1.1.0");
  UpgradeInfo queued = Upgrade("v2", "1.2.0", Timestamp(std::chrono::hours(1)));
  InsertQueued(&plan, queued);
  UpgradeInfo later = queued;
  later.upgrade_time = Timestamp(std::chrono::hours(3));
  UpstreamDecision moved = DecideUpstream(later, plan, {}, kPlatform);
  EXPECT_EQ(moved.verdict, UpstreamVerdict::kReschedule);
  EXPECT_EQ(moved.detail,
            "upstream moved upgrade v2 from 1970-01-01T01:00:00Z to 1970-01-01T03:00:00Z");
  plan.queued_up[0].manual = true;
  EXPECT_EQ(Verdict(later, plan), UpstreamVerdict::kAlreadyQueued);
}

TEST(DecideUpstream, RolledBackOrFailedUpgradesStayBlocked) {
  UpgradeHistory history;
  HistoryEntry e;
  e.info = Upgrade("v2", "1.2.0");
  e.outcome = UpgradeOutcome::kRolledBack;
  e.reason = "the unit failed";
  history.history.push_back(e);
  UpstreamDecision d =
      DecideUpstream(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0"), history, kPlatform);
  EXPECT_EQ(d.verdict, UpstreamVerdict::kBlocked);
  EXPECT_NE(d.detail.find("add-upgrade --force"), std::string::npos);
  history.history.back().outcome = UpgradeOutcome::kCompleted;
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0"), history),
            UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, ARefusalBlocksUntilClearedButAClearedFailureStaysBlocked) {
  UpgradeHistory history;
  history.history.push_back(Ran(Upgrade("v2", "1.2.0"), UpgradeOutcome::kRefused));
  UpstreamDecision d =
      DecideUpstream(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0"), history, kPlatform);
  EXPECT_EQ(d.verdict, UpstreamVerdict::kBlocked);
  EXPECT_NE(d.detail.find("run 'nymvisor check'"), std::string::npos) << d.detail;
  history.history.back().cleared_at = *ParseTimestamp("2026-11-21T10:00:00Z");
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0"), history),
            UpstreamVerdict::kQueue);
  history.history.back().outcome = UpgradeOutcome::kFailed;
  EXPECT_EQ(Verdict(Upgrade("v2", "1.2.0"), GenesisPlan("1.1.0"), history),
            UpstreamVerdict::kBlocked)
      << "clearing is for refusals only";
}

TEST(DecideUpstream, ARolledBackBinaryIsRecognisedUnderANewName) {
  std::string sum(64, 'a');
  UpgradeHistory history{{Ran(OfferBinary("v3", "1.3.0", sum), UpgradeOutcome::kRolledBack)}};
  UpstreamDecision d = DecideUpstream(OfferBinary("v3-again", "1.3.0", sum), GenesisPlan("1.2.0"),
                                      history, kPlatform);
  EXPECT_EQ(d.verdict, UpstreamVerdict::kBlocked);
  EXPECT_NE(d.detail.find("1.3.0 with this checksum was rolled back on 2026-11-20T10:00:00"),
            std::string::npos)
      << d.detail;
  EXPECT_NE(d.detail.find("as upgrade 'v3'"), std::string::npos) << d.detail;
  EXPECT_NE(d.detail.find("add-upgrade"), std::string::npos) << d.detail;
  history.history[0].outcome = UpgradeOutcome::kReverted;  // an operator rolled it back
  EXPECT_EQ(Verdict(OfferBinary("v3-again", "1.3.0", sum), GenesisPlan("1.2.0"), history),
            UpstreamVerdict::kBlocked);
}

TEST(DecideUpstream, AFixedReReleaseOfTheSameVersionIsANewCandidate) {
  UpgradeHistory history{
      {Ran(OfferBinary("v3", "1.3.0", std::string(64, 'a')), UpgradeOutcome::kRolledBack)}};
  EXPECT_EQ(Verdict(OfferBinary("v3-fixed", "1.3.0", std::string(64, 'b')), GenesisPlan("1.2.0"),
                    history),
            UpstreamVerdict::kQueue);
  // Only this host's binary counts: another platform's checksum is not ours.
  history.history[0].info = OfferBinary("v3", "1.3.0", std::string(64, 'a'), "linux-aarch64");
  EXPECT_EQ(Verdict(OfferBinary("v3-fixed", "1.3.0", std::string(64, 'a')), GenesisPlan("1.2.0"),
                    history),
            UpstreamVerdict::kQueue);
  // Without checksums nothing identifies the binary.
  history.history[0].info = OfferBinary("v3", "1.3.0", "");
  EXPECT_EQ(Verdict(OfferBinary("v3-b", "1.3.0", ""), GenesisPlan("1.2.0"), history),
            UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, OnlyARunOfTheBinaryCarriesOverToAnotherName) {
  std::string sum(64, 'a');
  UpgradeHistory history;
  // Refused before the switch (it never ran) or skipped by name: a word on
  // that upgrade, not on the binary.
  for (UpgradeOutcome outcome : {UpgradeOutcome::kFailed, UpgradeOutcome::kSkipped}) {
    history.history = {Ran(OfferBinary("v3", "1.3.0", sum), outcome)};
    EXPECT_EQ(Verdict(OfferBinary("v3-again", "1.3.0", sum), GenesisPlan("1.2.0"), history),
              UpstreamVerdict::kQueue)
        << OutcomeName(outcome);
  }
  // Rolled back, then forced by an operator and kept: the newest run decides.
  history.history = {Ran(OfferBinary("v3", "1.3.0", sum), UpgradeOutcome::kRolledBack),
                     Ran(OfferBinary("v3-forced", "1.3.0", sum), UpgradeOutcome::kCompleted)};
  EXPECT_EQ(Verdict(OfferBinary("v3-again", "1.3.0", sum), GenesisPlan("1.2.0"), history),
            UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, AnAppliedNameIsNeverReusedForAnotherVersion) {
  UpgradePlan plan = GenesisPlan("1.2.0");
  plan.current.name = "v2";
  UpstreamDecision running = DecideUpstream(Upgrade("v2", "1.3.0"), plan, {}, kPlatform);
  EXPECT_EQ(running.verdict, UpstreamVerdict::kNameConflict);
  EXPECT_EQ(running.detail,
            "upgrade 'v2' was applied as version 1.2.0 but upstream now says 1.3.0");
  UpgradeHistory history;
  history.history.push_back({{}, Upgrade("v1", "1.1.0"), UpgradeOutcome::kCompleted, ""});
  EXPECT_EQ(Verdict(Upgrade("v1", "1.4.0"), plan, history), UpstreamVerdict::kNameConflict);
  EXPECT_EQ(Verdict(Upgrade("v3", "1.3.0"), plan, history), UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, RefusesBadNamesAndVersions) {
  EXPECT_EQ(Verdict(Upgrade("../x", "1.2.0"), GenesisPlan("1.1.0")), UpstreamVerdict::kInvalid);
  EXPECT_EQ(Verdict(Upgrade("genesis", "1.2.0"), GenesisPlan("1.1.0")), UpstreamVerdict::kInvalid);
  EXPECT_EQ(Verdict(Upgrade("v2", "latest"), GenesisPlan("1.1.0")), UpstreamVerdict::kInvalid);
}

}  // namespace
}  // namespace nymvisor
