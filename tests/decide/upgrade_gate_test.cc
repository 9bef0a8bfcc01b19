#include "agent/decide/upgrade_gate.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using Kind = GateDecision::Kind;

const Timestamp kDue = ParseTimestamp("2026-12-07T10:00:00Z").value();
constexpr Duration kDeadline = 6h;

CommandOutcome Exited(int status, std::string last_line = "") {
  return {.started = true, .exit_code = status, .last_line = std::move(last_line)};
}

TEST(JudgeBusyCheck, IdleGoesBusyAsksAgainInAMinute) {
  EXPECT_EQ(JudgeBusyCheck(Exited(0), kDue, kDeadline, kDue + 1h).kind, Kind::kGo);
  GateDecision busy = JudgeBusyCheck(Exited(1), kDue, kDeadline, kDue + 1h);
  EXPECT_EQ(busy.kind, Kind::kPostpone);
  EXPECT_EQ(busy.retry_at, kDue + 1h + 1min);
  EXPECT_NE(busy.reason.find("busy"), std::string::npos);
}

TEST(JudgeBusyCheck, AFailedCheckCountsAsBusyAndSaysSo) {
  CommandOutcome hung{.started = true, .timed_out = true};
  CommandOutcome missing{.error = "No such file or directory"};
  CommandOutcome crashed{.started = true, .signal = 11};
  for (const CommandOutcome& o : {Exited(2, "curl: (7) refused"), hung, missing, crashed}) {
    GateDecision d = JudgeBusyCheck(o, kDue, kDeadline, kDue + 1min);
    EXPECT_EQ(d.kind, Kind::kPostpone) << DescribeCommandOutcome(o);
    EXPECT_NE(d.reason.find("the busy check failed"), std::string::npos) << d.reason;
  }
  EXPECT_NE(JudgeBusyCheck(Exited(2, "curl: (7) refused"), kDue, kDeadline, kDue)
                .reason.find("status 2 (last output: curl: (7) refused)"),
            std::string::npos);
}

TEST(JudgeBusyCheck, PastTheDeadlineTheUpgradeGoesAheadAndSaysSo) {
  EXPECT_FALSE(BusyDeadlinePassed(kDue, kDeadline, kDue + 6h - 1s));
  EXPECT_TRUE(BusyDeadlinePassed(kDue, kDeadline, kDue + 6h));
  GateDecision d = JudgeBusyCheck(Exited(1), kDue, kDeadline, kDue + 6h);
  EXPECT_EQ(d.kind, Kind::kGo);
  EXPECT_TRUE(d.deadline_passed);
  EXPECT_NE(d.reason.find("upgrading anyway"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("busy deadline 6h"), std::string::npos) << d.reason;
}

TEST(JudgePreHook, ZeroGoesTempFailPostponesUntilTheDeadlineThenRefuses) {
  EXPECT_EQ(JudgePreHook(Exited(0), kDue, kDeadline, kDue).kind, Kind::kGo);
  GateDecision wait = JudgePreHook(Exited(kHookTempFail), kDue, kDeadline, kDue + 5h);
  EXPECT_EQ(wait.kind, Kind::kPostpone);
  EXPECT_EQ(wait.retry_at, kDue + 5h + 1min);
  GateDecision late = JudgePreHook(Exited(kHookTempFail), kDue, kDeadline, kDue + 6h);
  EXPECT_EQ(late.kind, Kind::kRefuse);
  EXPECT_NE(late.reason.find("busy deadline has passed"), std::string::npos) << late.reason;
}

TEST(JudgePreHook, AnythingElseRefusesNamingTheHookItsStatusAndLastLine) {
  GateDecision d = JudgePreHook(Exited(3, "disk too full"), kDue, kDeadline, kDue);
  EXPECT_EQ(d.kind, Kind::kRefuse);
  EXPECT_EQ(d.reason, "pre_upgrade_command exited with status 3 (last output: disk too full)");
  CommandOutcome hung{.started = true, .timed_out = true};
  EXPECT_EQ(JudgePreHook(hung, kDue, kDeadline, kDue).reason,
            "pre_upgrade_command did not finish within 1m and was killed");
  CommandOutcome missing{.error = "cannot run /opt/x: No such file or directory"};
  EXPECT_EQ(JudgePreHook(missing, kDue, kDeadline, kDue).kind, Kind::kRefuse);
  EXPECT_EQ(JudgePreHook(Exited(1), kDue, kDeadline, kDue).kind, Kind::kRefuse)
      << "1 means busy only for the busy check";
}

TEST(PostHookOutcome, NamesWhatHappened) {
  UpgradeState s;
  EXPECT_EQ(PostHookOutcome(s, true), "committed");
  s.rolled_back = true;
  EXPECT_EQ(PostHookOutcome(s, false), "rolled-back");
  s.rolled_back = false;
  EXPECT_EQ(PostHookOutcome(s, false), "failed");
  s.revert = true;
  EXPECT_EQ(PostHookOutcome(s, true), "rolled-back") << "an operator's rollback";
}

TEST(HookEnvironment, CarriesTheUpgradeAndNothingElse) {
  HookEvent e{.id = "mix", .upgrade_name = "v2", .from_version = "1.1.0", .to_version = "1.2.0"};
  std::vector<std::string> before = HookEnvironment(e);
  EXPECT_EQ(std::count(before.begin(), before.end(), "NYMVISOR_UPGRADE_NAME=v2"), 1);
  EXPECT_EQ(std::count(before.begin(), before.end(), "NYMVISOR_FROM_VERSION=1.1.0"), 1);
  EXPECT_EQ(std::count(before.begin(), before.end(), "NYMVISOR_TO_VERSION=1.2.0"), 1);
  EXPECT_EQ(std::count(before.begin(), before.end(), "NYMVISOR_ID=mix"), 1);
  EXPECT_EQ(before.size(), 6u) << "no outcome before the upgrade";
  e.outcome = "rolled-back";
  e.reason = "the node exited";
  std::vector<std::string> after = HookEnvironment(e);
  EXPECT_EQ(std::count(after.begin(), after.end(), "NYMVISOR_OUTCOME=rolled-back"), 1);
  EXPECT_EQ(std::count(after.begin(), after.end(), "NYMVISOR_REASON=the node exited"), 1);
  EXPECT_EQ(after.size(), 8u) << "no fleet, no NYMVISOR_FLEET_HALT";
  e.fleet = true;
  EXPECT_EQ(HookEnvironment(e).back(), "NYMVISOR_FLEET_HALT=") << "in a fleet: empty, no halt";
  e.fleet_halt = "1.2.0";
  EXPECT_EQ(HookEnvironment(e).back(), "NYMVISOR_FLEET_HALT=1.2.0");
}

}  // namespace
}  // namespace nymvisor
