#include "agent/decide/upstream_decision.h"

#include <gtest/gtest.h>

#include "tests/support/values.h"

namespace nymvisor {
namespace {

UpgradeInfo Offer(const std::string& name, const std::string& version) {
  UpgradeInfo info;
  info.name = name;
  info.version = version;
  return info;
}

UpgradePlan PlanAt(const std::string& version) {
  return UpgradePlan{MakeGenesisInfo(testing::NodeBuildInfo(version)), {}};
}

UpstreamVerdict Verdict(const UpgradeInfo& offer, const UpgradePlan& plan,
                        const UpgradeHistory& history = {}) {
  return DecideUpstream(offer, plan, history).verdict;
}

TEST(DecideUpstream, QueuesOnlyNewerVersions) {
  EXPECT_EQ(Verdict(Offer("v2", "1.2.0"), PlanAt("1.1.0")), UpstreamVerdict::kQueue);
  EXPECT_EQ(Verdict(Offer("v2", "1.10.0"), PlanAt("1.9.0")), UpstreamVerdict::kQueue);
  EXPECT_EQ(Verdict(Offer("same", "1.1.0"), PlanAt("1.1.0")), UpstreamVerdict::kUpToDate);
  UpstreamDecision d = DecideUpstream(Offer("old", "1.0.9"), PlanAt("1.1.0"), {});
  EXPECT_EQ(d.verdict, UpstreamVerdict::kDowngrade);
  EXPECT_EQ(d.detail, "upstream offers 1.0.9, older than the running 1.1.0");
}

TEST(DecideUpstream, RecognisesWhatIsAlreadyQueued) {
  UpgradePlan plan = PlanAt("1.1.0");
  InsertQueued(&plan, Offer("v2", "1.2.0"));
  EXPECT_EQ(Verdict(Offer("v2", "1.2.0"), plan), UpstreamVerdict::kAlreadyQueued);
  UpstreamDecision renamed = DecideUpstream(Offer("v2-final", "1.2.0"), plan, {});
  EXPECT_EQ(renamed.verdict, UpstreamVerdict::kNameConflict);
  EXPECT_NE(renamed.detail.find("already queued as upgrade 'v2'"), std::string::npos);
  EXPECT_EQ(Verdict(Offer("v2", "1.2.1"), plan), UpstreamVerdict::kNameConflict);
}

TEST(DecideUpstream, UpstreamMayMoveItsOwnQueuedUpgradeButNotOneQueuedByHand) {
  UpgradePlan plan = PlanAt("1.1.0");
  UpgradeInfo queued = Offer("v2", "1.2.0");
  queued.upgrade_time = Timestamp(std::chrono::hours(1));
  InsertQueued(&plan, queued);
  UpgradeInfo later = queued;
  later.upgrade_time = Timestamp(std::chrono::hours(3));
  UpstreamDecision moved = DecideUpstream(later, plan, {});
  EXPECT_EQ(moved.verdict, UpstreamVerdict::kReschedule);
  EXPECT_EQ(moved.detail,
            "upstream moved upgrade v2 from 1970-01-01T01:00:00Z to 1970-01-01T03:00:00Z");
  plan.queued_up[0].manual = true;
  EXPECT_EQ(Verdict(later, plan), UpstreamVerdict::kAlreadyQueued);
}

TEST(DecideUpstream, RolledBackOrFailedUpgradesStayBlocked) {
  UpgradeHistory history;
  HistoryEntry e;
  e.info = Offer("v2", "1.2.0");
  e.outcome = UpgradeOutcome::kRolledBack;
  e.reason = "the unit failed";
  history.history.push_back(e);
  UpstreamDecision d = DecideUpstream(Offer("v2", "1.2.0"), PlanAt("1.1.0"), history);
  EXPECT_EQ(d.verdict, UpstreamVerdict::kBlocked);
  EXPECT_NE(d.detail.find("add-upgrade --force"), std::string::npos);
  history.history.back().outcome = UpgradeOutcome::kCompleted;
  EXPECT_EQ(Verdict(Offer("v2", "1.2.0"), PlanAt("1.1.0"), history), UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, AnAppliedNameIsNeverReusedForAnotherVersion) {
  UpgradePlan plan = PlanAt("1.2.0");
  plan.current.name = "v2";
  UpstreamDecision running = DecideUpstream(Offer("v2", "1.3.0"), plan, {});
  EXPECT_EQ(running.verdict, UpstreamVerdict::kNameConflict);
  EXPECT_EQ(running.detail,
            "upgrade 'v2' was applied as version 1.2.0 but upstream now says 1.3.0");
  UpgradeHistory history;
  history.history.push_back({{}, Offer("v1", "1.1.0"), UpgradeOutcome::kCompleted, ""});
  EXPECT_EQ(Verdict(Offer("v1", "1.4.0"), plan, history), UpstreamVerdict::kNameConflict);
  EXPECT_EQ(Verdict(Offer("v3", "1.3.0"), plan, history), UpstreamVerdict::kQueue);
}

TEST(DecideUpstream, RefusesBadNamesAndVersions) {
  EXPECT_EQ(Verdict(Offer("../x", "1.2.0"), PlanAt("1.1.0")), UpstreamVerdict::kInvalid);
  EXPECT_EQ(Verdict(Offer("genesis", "1.2.0"), PlanAt("1.1.0")), UpstreamVerdict::kInvalid);
  EXPECT_EQ(Verdict(Offer("v2", "latest"), PlanAt("1.1.0")), UpstreamVerdict::kInvalid);
}

}  // namespace
}  // namespace nymvisor
