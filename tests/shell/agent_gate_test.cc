// The gate before the stop (shell/agent_gate.cc): busy check, pre- and
// post-upgrade commands, and clearing a refusal, over the agent's fakes.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "agent/base/message_ids.h"
#include "tests/support/agent_fixture.h"
#include "tests/support/values.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr char kBusy[] = "/opt/check/busy";
constexpr char kPre[] = "/opt/check/pre";
constexpr char kPost[] = "/opt/check/post";
constexpr char kRoot[] = "uid 0 (root)";

ProcessResult Exit(int status, std::string err = "") {
  ProcessResult r;
  r.exit_code = status;
  r.err = std::move(err);
  return r;
}

class AgentGateTest : public testing::AgentFixture {
 protected:
  int Stops() const { return Calls(std::string("stop ") + kUnit); }
  /// The environment of the last call of `program`.
  std::vector<std::string> EnvOf(const std::string& program) const {
    const auto& calls = probes_.calls();
    for (size_t i = calls.size(); i-- > 0;) {
      if (calls[i].at(0) == program) return probes_.envs()[i];
    }
    ADD_FAILURE() << program << " never ran";
    return {};
  }
  static bool Has(const std::vector<std::string>& env, const std::string& entry) {
    return std::find(env.begin(), env.end(), entry) != env.end();
  }
  void FinishUpgrade() {
    systemd_.Finish();  // stop
    systemd_.Finish();  // start
    scheduler_.Advance(31s);
  }
};

TEST_F(AgentGateTest, ABusyNodeIsAskedAgainEveryMinuteAndUpgradedOnceIdle) {
  config_.daemon.busy_check = std::string(kBusy) + " --port 8080";
  probes_.SetResult(kBusy, Exit(1));
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Stops(), 0) << "busy: the node keeps running";
  EXPECT_EQ(Count(message_ids::kUpgradePostponed), 1);
  EXPECT_FALSE(records_.LoadState()->has_value()) << "nothing is in flight while postponed";
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.waiting_for, "busy") << "status says why the due upgrade waits";
  EXPECT_EQ(s.next_upgrade_time, clock_.Now() + 1min) << "and when it asks again";
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 0);
  EXPECT_EQ(Count(message_ids::kUpgradePostponed), 1) << "journalled once, not every minute";
  EXPECT_EQ(std::count(probes_.calls().begin(), probes_.calls().end(),
                       std::vector<std::string>{kBusy, "--port", "8080"}),
            2);
  std::vector<std::string> env = EnvOf(kBusy);
  EXPECT_TRUE(Has(env, "NYMVISOR_UPGRADE_NAME=v2"));
  EXPECT_TRUE(Has(env, "NYMVISOR_TO_VERSION=1.2.0"));
  EXPECT_TRUE(Has(env, "NYMVISOR_FROM_VERSION=1.1.0"));
  probes_.SetResult(kBusy, Exit(0));
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 1) << "idle: the upgrade begins";
  EXPECT_FALSE(Logged(message_ids::kBusyDeadlinePassed));
}

TEST_F(AgentGateTest, PastTheBusyDeadlineTheUpgradeGoesAheadAndSaysSo) {
  config_.daemon.busy_check = kBusy;
  config_.daemon.busy_deadline = 3min;
  probes_.SetResult(kBusy, Exit(2, "curl: (7) Failed to connect"));  // a failed check is busy
  Publish(-1h);
  StartAgent();
  scheduler_.Advance(2min);
  EXPECT_EQ(Stops(), 0);
  EXPECT_TRUE(Journaled("the busy check failed")) << "a failed check is named";
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 1);
  EXPECT_EQ(Count(message_ids::kBusyDeadlinePassed), 1);
}

TEST_F(AgentGateTest, ARefusingPreHookNeverStopsTheNodeAndCheckClearsTheRefusal) {
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kPre, Exit(3, "not enough disk\n"));
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Stops(), 0);
  EXPECT_EQ(Count(message_ids::kHookRefused), 1);
  UpgradeHistory history = *store_.LoadHistory();
  ASSERT_FALSE(history.history.empty());
  EXPECT_EQ(history.history.back().outcome, UpgradeOutcome::kRefused);
  EXPECT_EQ(history.history.back().reason,
            "pre_upgrade_command exited with status 3 (last output: not enough disk)");
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  scheduler_.Advance(2h);  // upstream still offers v2: it stays refused
  EXPECT_EQ(Stops(), 0);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());

  probes_.SetResult(kPre, Exit(0));
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_TRUE(store_.LoadHistory()->history.back().cleared_at.has_value());
  EXPECT_EQ(Stops(), 1) << "cleared, queued again, and applied";
}

TEST_F(AgentGateTest, AHangingOrMissingPreHookIsANamedRefusalNotAStop) {
  config_.daemon.pre_upgrade_command = kPre;
  ProcessResult hung;
  hung.timed_out = true;
  probes_.SetResult(kPre, hung);
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Stops(), 0);
  EXPECT_EQ(store_.LoadHistory()->history.back().reason,
            "pre_upgrade_command did not finish within 1m and was killed");

  probes_.SetStartError(kPre, "cannot run /opt/check/pre: No such file or directory");
  probes_.SetResult(kPre, Exit(0));
  scheduler_.Advance(1s);  // another attempt, at another time
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_EQ(Stops(), 0);
  EXPECT_NE(store_.LoadHistory()->history.back().reason.find("could not be run"),
            std::string::npos);
}

TEST_F(AgentGateTest, ATempFailingPreHookWaitsLikeBusy) {
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kPre, Exit(75));
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(Stops(), 0);
  EXPECT_EQ(Count(message_ids::kUpgradePostponed), 1);
  EXPECT_EQ(Count(message_ids::kHookRefused), 0);
  EXPECT_EQ(agent_->Snapshot().waiting_for, "hook");
  probes_.SetResult(kPre, Exit(0));
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 1);
}

TEST_F(AgentGateTest, ApplyNowRunsThePreHookButNotTheBusyCheck) {
  config_.daemon.busy_check = kBusy;
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kBusy, Exit(1));
  probes_.SetResult(kPre, Exit(0));
  Publish(2h);  // not due yet: apply-now skips the waiting
  StartAgent();
  Result<std::string> applied = agent_->ApplyNow(kRoot);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, "v2");
  EXPECT_EQ(std::count_if(probes_.calls().begin(), probes_.calls().end(),
                          [](const auto& c) { return c.at(0) == kPre; }),
            1)
      << "the safety hook runs";
  EXPECT_EQ(std::count_if(probes_.calls().begin(), probes_.calls().end(),
                          [](const auto& c) { return c.at(0) == kBusy; }),
            0)
      << "the busy check is skipped";
  EXPECT_EQ(Stops(), 1) << "the hook said go: the upgrade begins";
  EXPECT_EQ(publisher_.signals.front(), "started v2 1.1.0 1.2.0");
}

TEST_F(AgentGateTest, ApplyNowReportsARefusalByThePreHookToTheCaller) {
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kPre, Exit(3, "not enough disk\n"));
  Publish(2h);
  StartAgent();
  ASSERT_TRUE(agent_->ApplyNow(kRoot).ok());
  EXPECT_EQ(Stops(), 0);
  EXPECT_EQ(Count(message_ids::kHookRefused), 1);
  EXPECT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kRefused)
      << "refused as on its schedule";
  ASSERT_FALSE(publisher_.signals.empty());
  EXPECT_EQ(publisher_.signals.back(), "finished v2 1.1.0 refused");
  EXPECT_TRUE(Journaled("pre_upgrade_command exited with status 3")) << "the reason is told";
}

TEST_F(AgentGateTest, ApplyNowEndsWhenThePreHookAsksToWaitAndTheScheduleGoesOn) {
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kPre, Exit(75));
  Publish(2h);
  StartAgent();
  ASSERT_TRUE(agent_->ApplyNow(kRoot).ok());
  EXPECT_EQ(Stops(), 0);
  ASSERT_FALSE(publisher_.signals.empty());
  EXPECT_EQ(publisher_.signals.back(), "finished v2 1.1.0 postponed");
  EXPECT_FALSE(store_.LoadPlan()->queued_up.empty()) << "still queued";
  EXPECT_EQ(Count(message_ids::kHookRefused), 0);
  probes_.SetResult(kPre, Exit(0));
  scheduler_.Advance(2h);
  EXPECT_EQ(Stops(), 1) << "applied at its time";
}

TEST_F(AgentGateTest, ThePostHookSeesACommit) {
  config_.daemon.post_upgrade_command = kPost;
  probes_.SetResult(kPost, Exit(0));
  Publish(-1h);
  StartAgent();
  FinishUpgrade();
  ASSERT_EQ(store_.LoadPlan()->current.name, "v2");
  std::vector<std::string> env = EnvOf(kPost);
  EXPECT_TRUE(Has(env, "NYMVISOR_OUTCOME=committed"));
  EXPECT_TRUE(Has(env, "NYMVISOR_UPGRADE_NAME=v2"));
  EXPECT_TRUE(Has(env, "NYMVISOR_FROM_VERSION=1.1.0"));
  EXPECT_TRUE(Has(env, "NYMVISOR_TO_VERSION=1.2.0"));
  EXPECT_TRUE(Has(env, "NYMVISOR_REASON="));
  EXPECT_TRUE(Has(env, "NYMVISOR_ID=" + config_.nymvisor.id));
}

TEST_F(AgentGateTest, ThePostHookSeesARollbackWithItsReason) {
  config_.daemon.post_upgrade_command = kPost;
  probes_.SetResult(kPost, Exit(0));
  Publish(-1h);
  StartAgent();
  systemd_.Finish();  // stop
  systemd_.Finish();  // start
  scheduler_.Advance(5s);
  systemd_.Change(kUnit, [](UnitState& u) {
    u.active_state = ActiveState::kFailed;
    u.sub_state = "failed";
    u.result = "exit-code";
  });
  systemd_.Finish();  // stop the new version
  worker_.RunAll();   // restore
  systemd_.Finish();  // start the old version
  scheduler_.Advance(10s);
  ASSERT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kRolledBack);
  std::vector<std::string> env = EnvOf(kPost);
  EXPECT_TRUE(Has(env, "NYMVISOR_OUTCOME=rolled-back"));
  EXPECT_TRUE(Has(env, "NYMVISOR_REASON=the unit failed (result exit-code)"));
}

TEST_F(AgentGateTest, AFailingPostHookIsOnlyJournalled) {
  config_.daemon.post_upgrade_command = kPost;
  config_.daemon.pre_upgrade_command = kPre;
  probes_.SetResult(kPre, Exit(4));
  probes_.SetResult(kPost, Exit(9, "matrix is down"));
  Publish(-1h);
  StartAgent();
  EXPECT_TRUE(Has(EnvOf(kPost), "NYMVISOR_OUTCOME=refused"));
  EXPECT_TRUE(Journaled("post_upgrade_command after upgrade v2 exited with status 9"));
  EXPECT_EQ(Stops(), 0);
}

TEST_F(AgentGateTest, ARestartOfTheAgentKeepsTheBusyDeadline) {
  config_.daemon.busy_check = kBusy;
  config_.daemon.busy_deadline = 3min;
  probes_.SetResult(kBusy, Exit(1));
  Publish(-1h);
  StartAgent();
  Timestamp first = clock_.Now();
  EXPECT_EQ(Count(message_ids::kUpgradePostponed), 1);
  Json waits = *ParseJson(testing::ReadFileOrDie(layout_.data_dir / "upgrade-waits.json"));
  EXPECT_EQ(waits["dueSince"]["v2"], FormatTimestamp(first)) << waits.dump();
  scheduler_.Advance(2min);
  agent_->Stop([] {});  // as SIGTERM does: its timers go with it
  agent_.reset();
  StartAgent();
  EXPECT_EQ(Stops(), 0) << "still busy, still inside the deadline";
  scheduler_.Advance(1min);
  EXPECT_EQ(Stops(), 1) << "the deadline counts from the first refusal, not the restart";
  EXPECT_EQ(Count(message_ids::kBusyDeadlinePassed), 1);
  waits = *ParseJson(testing::ReadFileOrDie(layout_.data_dir / "upgrade-waits.json"));
  EXPECT_FALSE(waits.contains("dueSince")) << "the gate passed: forgotten";
}

}  // namespace
}  // namespace nymvisor
