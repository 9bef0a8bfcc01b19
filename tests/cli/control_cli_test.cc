#include "agent/cli/control_cli.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/shell/record_store.h"
#include "tests/support/builders.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

/// An agent as the CLI sees it: answers from `status`, records calls, and
/// plays `follow` (statuses, then an UpgradeFinished) to Follow.
struct FakeAgent {
  StatusSnapshot status;
  std::vector<std::string> calls;
  Status fail;  ///< what every mutating call answers
  std::vector<StatusSnapshot> follow;
  std::optional<FinishedEvent> finished;
};

class FakeControlClient : public ControlClient {
 public:
  explicit FakeControlClient(FakeAgent& agent) : agent_(agent) {}
  Result<StatusSnapshot> GetStatus() override { return agent_.status; }
  Status CheckNow() override { return Record("check"); }
  Result<std::string> ApplyNow() override {
    NV_RETURN_IF_ERROR(Record("apply"));
    return std::string("v2");
  }
  Status Hold(const std::string& reason) override { return Record("hold " + reason); }
  Status Resume() override { return Record("resume"); }
  Status Skip(const std::string& upgrade) override { return Record("skip " + upgrade); }
  Result<std::string> Rollback(const std::string& to) override {
    NV_RETURN_IF_ERROR(Record(to.empty() ? "rollback" : "rollback --to " + to));
    return std::string("1.1.0");
  }
  Status Reload() override { return Record("reload"); }
  Status ReleaseNode(bool start) override {
    return Record(start ? "release-node --start" : "release-node");
  }
  Status Follow(Duration, const FollowStep& step) override {
    for (size_t i = 0; i < agent_.follow.size(); ++i) {
      bool last = i + 1 == agent_.follow.size();
      if (step(agent_.follow[i], last ? agent_.finished : std::nullopt)) return {};
    }
    return Status::Unavailable("gave up waiting");
  }

 private:
  Status Record(const std::string& call) {
    agent_.calls.push_back(call);
    return agent_.fail;
  }
  FakeAgent& agent_;
};

class ControlCliTest : public testing::CliFixture {
 protected:
  ControlCliTest() {
    EXPECT_EQ(InitMixnode(), 0) << err_.str();
    agent_.status.instance_id = "mixnode";
    agent_.status.node_unit = "nymvisor-daemon@mixnode.service";
    agent_.status.current_version = "1.1.0";
    agent_.status.current_upgrade = "genesis";
    agent_.status.state = AgentState::kStaged;
    agent_.status.next_upgrade = "v2";
    agent_.status.next_upgrade_version = "1.2.0";
    agent_.status.next_upgrade_time = clock_.Now() + std::chrono::hours(3);
    agent_.status.next_upgrade_staged = true;
    connect_control_ = [this](const std::string& id) -> Result<std::unique_ptr<ControlClient>> {
      connected_to_ = id;
      if (!running_) return Status::NotFound("no agent runs for instance '" + id + "'");
      return std::unique_ptr<ControlClient>(new FakeControlClient(agent_));
    };
  }
  Layout HomeLayout() { return testing::NodeLayout(dir_ / "home"); }
  FakeAgent agent_;
  bool running_ = true;
  std::string connected_to_;
};

TEST_F(ControlCliTest, InitOnARunningInstanceReloadsItsAgentAndSaysWhatEachChangeNeeds) {
  err_.str("");
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-polling-rate", "2h", "--on-failure-daemon-restart-delay", "20s", node_,
                 "--", "run", "--id", "mixnode"}),
            0)
      << err_.str();
  EXPECT_EQ(agent_.calls, (std::vector<std::string>{"reload"}));
  EXPECT_NE(err_.str().find("the running agent reloaded its config and now uses the new "
                            "nymvisor.upstream_polling_rate, daemon.failure_restart_delay"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("the node takes daemon.failure_restart_delay at its next start "
                            "(systemctl restart nymvisor-daemon@mixnode.service)"),
            std::string::npos)
      << err_.str();
}

TEST_F(ControlCliTest, InitThatChangesTheHomeSaysOnlyARestartAppliesIt) {
  err_.str("");
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home2").string(), node_, "--",
                 "run", "--id", "mixnode"}),
            0)
      << err_.str();
  EXPECT_TRUE(agent_.calls.empty()) << "a reload would refuse it";
  EXPECT_NE(err_.str().find("daemon.home changed, which a reload cannot apply: restart the agent "
                            "(systemctl restart nymvisor@mixnode)"),
            std::string::npos)
      << err_.str();
}

TEST_F(ControlCliTest, InitWithoutARunningAgentSaysItReadsTheConfigAtItsStart) {
  running_ = false;
  err_.str("");
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-polling-rate", "2h", node_, "--", "run", "--id", "mixnode"}),
            0)
      << err_.str();
  EXPECT_NE(err_.str().find("no agent is running for 'mixnode'; it reads the new config when it "
                            "starts"),
            std::string::npos)
      << err_.str();
  err_.str("");
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upstream-polling-rate", "2h", node_, "--", "run", "--id", "mixnode"}),
            0);
  EXPECT_EQ(err_.str().find("no agent is running"), std::string::npos) << "nothing changed";
}

TEST_F(ControlCliTest, AddUpgradeSaysWhatItQueuedOnStandardErrorOnly) {
  std::string next = testing::StampFakeNode(dir_ / "dist2/nym-node", {{"version", "1.2.0"}});
  ASSERT_EQ(Run({"add-upgrade", next, "--id", "mixnode", "--upgrade-name", "v2", "--upgrade-time",
                 "2026-11-26T15:00:00Z"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "") << "standard output stays empty, as in the original";
  EXPECT_NE(err_.str().find("queued upgrade v2 (1.2.0) for 2026-11-26T15:00:00"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("the running agent re-read the plan"), std::string::npos);
  EXPECT_EQ(agent_.calls, (std::vector<std::string>{"reload"}));
  running_ = false;
  std::string v3 = testing::StampFakeNode(dir_ / "dist3/nym-node", {{"version", "1.3.0"}});
  ASSERT_EQ(Run({"add-upgrade", v3, "--upgrade-name", "v3", "--now"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("no agent is running for 'mixnode'; it reads the plan when it starts"),
            std::string::npos)
      << err_.str();
}

TEST_F(ControlCliTest, StatusReadsAtAGlance) {
  ASSERT_EQ(Run({"status", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_EQ(connected_to_, "mixnode");
  std::string out = out_.str();
  EXPECT_NE(out.find("nymvisor@mixnode - upgrade agent of nymvisor-daemon@mixnode.service"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("State: staged"), std::string::npos) << out;
  EXPECT_NE(out.find("Running: 1.1.0 (genesis)"), std::string::npos) << out;
  EXPECT_NE(out.find("Next: v2 (1.2.0) at 2026-11-26 15:00 UTC (in 3h), staged"), std::string::npos)
      << out;
}

TEST_F(ControlCliTest, StatusAsJsonIsTheSnapshot) {
  ASSERT_EQ(Run({"status", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["state"], "staged");
  EXPECT_EQ(j["source"], "agent");
  EXPECT_EQ(j["nextUpgrade"], "v2");
  EXPECT_EQ(j["instance"], "mixnode");
}

TEST_F(ControlCliTest, WithoutAnAgentStatusAndHistoryReadTheFilesAndSaySo) {
  running_ = false;
  ASSERT_EQ(Run({"status"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("reading its files instead"), std::string::npos) << err_.str();
  EXPECT_NE(out_.str().find("State: not running (read from the files)"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("Running: 1.1.0 (genesis)"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Last check: unknown (no agent is running to check)"),
            std::string::npos)
      << out_.str();
  ASSERT_EQ(Run({"status", "-o", "json"}), 0);
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["source"], "files");
  EXPECT_EQ(j["state"], "not-running") << "no agent holds a state";
  EXPECT_TRUE(j["lastCheckOk"].is_null()) << "no check has run";
  EXPECT_TRUE(j["lastCheckTime"].is_null());
  EXPECT_EQ(j["statusLine"].get<std::string>().rfind("not running, running 1.1.0", 0), 0u)
      << j["statusLine"];
  ASSERT_EQ(Run({"history"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "no upgrades yet\n");
}

TEST_F(ControlCliTest, HistoryListsEveryEntryWithItsReason) {
  RecordStore store(files_, HomeLayout());
  UpgradeInfo v2;
  v2.name = "v2";
  v2.version = "1.2.0";
  UpgradeHistory history{{{clock_.Now(), v2, UpgradeOutcome::kSkipped, "skipped by uid 0 (root)"}}};
  ASSERT_TRUE(store.SaveHistory(history).ok());
  ASSERT_EQ(Run({"history"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("2026-11-26 12:00 UTC  v2"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("skipped      skipped by uid 0 (root)"), std::string::npos)
      << out_.str();
  ASSERT_EQ(Run({"history", "-o", "json"}), 0);
  EXPECT_EQ((*ParseJson(out_.str()))["history"][0]["outcome"], "skipped");
}

TEST_F(ControlCliTest, MutatingCommandsCallTheAgent) {
  EXPECT_EQ(Run({"hold", "--reason", "epoch ends at 14:00"}), 0) << err_.str();
  EXPECT_EQ(Run({"resume"}), 0) << err_.str();
  EXPECT_EQ(Run({"skip", "v2"}), 0) << err_.str();
  EXPECT_EQ(Run({"check"}), 0) << err_.str();
  EXPECT_EQ(Run({"apply-now"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "upgrade v2 started\n");
  EXPECT_EQ(Run({"rollback"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "rolling back from 1.1.0 to 1.1.0\n");
  EXPECT_EQ(agent_.calls, (std::vector<std::string>{"hold epoch ends at 14:00", "resume", "skip v2",
                                                    "check", "apply", "rollback"}));
}

TEST_F(ControlCliTest, RollbackToNamesTheTargetAndListRefusesToBeCombinedWithIt) {
  EXPECT_EQ(Run({"rollback", "--to", "genesis"}), 0) << err_.str();
  EXPECT_EQ(Run({"rollback", "--list", "--to", "v2"}), 2);
  EXPECT_NE(err_.str().find("rollback --list only lists"), std::string::npos) << err_.str();
  EXPECT_EQ(agent_.calls, (std::vector<std::string>{"rollback --to genesis"}));
}

TEST_F(ControlCliTest, RollbackListShowsEveryVersionToReturnToWithoutAnAgent) {
  running_ = false;
  Layout layout = HomeLayout();
  RecordStore store(files_, layout);
  std::filesystem::path before_v2 = layout.home / "nymvisor/backups/v2/backup-1-preupgrade";
  std::filesystem::path before_v3 = layout.home / "nymvisor/backups/v3/backup-1-preupgrade";
  testing::WriteFile(before_v3 / "data/state.db", std::string(3000, 'x'));
  testing::WriteFile(before_v3 / "config/config.toml", std::string(72, 'c'));
  UpgradeHistory history{{{*ParseTimestamp("2026-11-20T08:00:00Z"), testing::Upgrade("v2", "1.2.0"),
                           UpgradeOutcome::kCompleted, "", before_v2.string()},
                          {*ParseTimestamp("2026-11-25T09:30:00Z"), testing::Upgrade("v3", "1.3.0"),
                           UpgradeOutcome::kCompleted, "", before_v3.string()}}};
  ASSERT_TRUE(store.SaveHistory(history).ok());
  ASSERT_TRUE(store.SavePlan({testing::Upgrade("v3", "1.3.0"), {}}).ok());
  ASSERT_EQ(Run({"rollback", "--list"}), 0) << err_.str();
  std::string text = out_.str();
  EXPECT_NE(text.find("running v3 (1.3.0)"), std::string::npos) << text;
  EXPECT_NE(text.find("v2                   1.2.0       2026-11-25 09:30 UTC  3.0 KiB"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("genesis              1.1.0       2026-11-20 08:00 UTC  gone"),
            std::string::npos)
      << text;
  ASSERT_EQ(Run({"rollback", "--list", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  ASSERT_EQ(j.size(), 2u) << j;
  EXPECT_EQ(j[0]["name"], "v2");
  EXPECT_EQ(j[0]["version"], "1.2.0");
  EXPECT_EQ(j[0]["leftAt"], "2026-11-25T09:30:00Z");
  EXPECT_EQ(j[0]["backup"], before_v3.string());
  EXPECT_EQ(j[0]["backupBytes"], 3072u);
  EXPECT_EQ(j[0]["restorable"], true);
  EXPECT_EQ(j[1]["name"], "genesis");
  EXPECT_TRUE(j[1]["backupBytes"].is_null());
  EXPECT_EQ(j[1]["restorable"], false) << "its backup was pruned";
  EXPECT_TRUE(agent_.calls.empty()) << "no agent is asked";
}

TEST_F(ControlCliTest, RollbackListOnGenesisSaysThereIsNothingToGoBackTo) {
  ASSERT_EQ(Run({"rollback", "--list"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "the node runs genesis (1.1.0): there is no earlier version to go back to\n");
  ASSERT_EQ(Run({"rollback", "--list", "-o", "json"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "[]\n");
}

TEST_F(ControlCliTest, SkipNeedsAName) {
  EXPECT_EQ(Run({"skip"}), 2);
  EXPECT_TRUE(agent_.calls.empty());
}

TEST_F(ControlCliTest, WaitFollowsTheUpgradeAndItsResultIsTheExitStatus) {
  StatusSnapshot running = agent_.status;
  running.step = UpgradeStep::kHealthCheck;
  running.upgrade_from = "1.1.0";
  running.upgrade_to = "1.2.0";
  running.health_elapsed = std::chrono::seconds(10);
  running.health_period = std::chrono::seconds(20);
  running.progress = 50;
  agent_.follow = {running, agent_.status};
  agent_.finished = FinishedEvent{"v2", "1.2.0", "completed", ""};
  EXPECT_EQ(Run({"apply-now", "--wait"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("50% health check 10/20 s of 1.2.0"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("v2: completed"), std::string::npos) << out_.str();
  agent_.finished = FinishedEvent{"v2", "1.1.0", "rolled-back", "the unit failed"};
  EXPECT_EQ(Run({"apply-now", "--wait"}), 1);
  EXPECT_NE(out_.str().find("v2: rolled-back (the unit failed)"), std::string::npos) << out_.str();
}

TEST_F(ControlCliTest, ApplyNowWaitsForThePreHookAndReportsItsRefusal) {
  agent_.status.waiting_for = "hook";  // the agent runs pre_upgrade_command first
  agent_.follow = {agent_.status};
  agent_.finished =
      FinishedEvent{"v2", "1.1.0", "refused", "pre_upgrade_command exited with status 3"};
  EXPECT_EQ(Run({"apply-now"}), 1);
  EXPECT_EQ(out_.str(),
            "upgrade v2: pre_upgrade_command runs first\n"
            "upgrade v2 not started: refused (pre_upgrade_command exited with status 3)\n");

  StatusSnapshot running = agent_.status;
  running.waiting_for.clear();
  running.step = UpgradeStep::kStopping;
  agent_.follow = {agent_.status, running};
  agent_.finished.reset();
  EXPECT_EQ(Run({"apply-now"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "upgrade v2: pre_upgrade_command runs first\nupgrade v2 started\n");
}

TEST_F(ControlCliTest, ADenialExplainsWhatToDo) {
  agent_.fail = Status::Denied("Hold needs the polkit action net.nymtech.nymvisor1.hold");
  EXPECT_EQ(Run({"hold"}), 1);
  EXPECT_NE(err_.str().find("error: access denied: Hold needs the polkit action"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("run it as root"), std::string::npos) << err_.str();
}

TEST_F(ControlCliTest, ARefusalSaysWhy) {
  agent_.fail = Status::Refused("NoStagedUpgrade", "upgrade v2 (1.2.0) is not staged yet");
  EXPECT_EQ(Run({"apply-now"}), 1);
  EXPECT_EQ(err_.str(), "error: upgrade v2 (1.2.0) is not staged yet\n");
}

TEST_F(ControlCliTest, WithoutAnAgentMutatingCommandsSayHowToStartIt) {
  running_ = false;
  EXPECT_EQ(Run({"check"}), 1);
  EXPECT_NE(err_.str().find("start it with 'systemctl start nymvisor@mixnode'"), std::string::npos)
      << err_.str();
}

TEST_F(ControlCliTest, AHoldWithoutAnAgentIsRecordedForItsStart) {
  running_ = false;
  ASSERT_EQ(Run({"hold", "--reason", "maintenance"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("upgrades are held; no agent is running for 'mixnode'"),
            std::string::npos)
      << out_.str();
  RecordStore store(files_, HomeLayout());
  Result<HoldRecord> hold = store.LoadHold();
  ASSERT_TRUE(hold.ok()) << hold.status().message();
  EXPECT_EQ(hold->reason, "maintenance");
  ASSERT_EQ(Run({"status"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Held: yes"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"resume", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_TRUE(store.LoadHold().status().IsNotFound());
  EXPECT_TRUE(agent_.calls.empty());
}

TEST_F(ControlCliTest, ReleaseNodeAsksTheAgentAndStartsOnlyWhenAsked) {
  EXPECT_EQ(Run({"release-node"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "the node may start again\n");
  EXPECT_EQ(Run({"release-node", "--start"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "the node may start again; starting it\n");
  EXPECT_EQ(agent_.calls, (std::vector<std::string>{"release-node", "release-node --start"}));
}

TEST_F(ControlCliTest, ReleaseNodeWithoutAnAgentClearsTheRecordOrSaysThereIsNone) {
  running_ = false;
  RecordStore store(files_, HomeLayout());
  EXPECT_EQ(Run({"release-node"}), 1);
  EXPECT_NE(err_.str().find("there is no node-left-down record"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nothing to clear"), std::string::npos) << err_.str();
  ASSERT_TRUE(store
                  .SaveNodeDown({clock_.Now(), "v2", "1.1.0", "1.2.0", "no usable backup is left",
                                 "/backups/v2/x"})
                  .ok());
  ASSERT_EQ(Run({"status"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Node down: the node was left down"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("nymvisor release-node"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"status", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_NE(j["nodeLeftDown"].get<std::string>().find("no usable backup"), std::string::npos);
  EXPECT_TRUE(j["nodeDown"].get<bool>());
  ASSERT_EQ(Run({"release-node"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("may start again"), std::string::npos) << out_.str();
  EXPECT_TRUE(store.LoadNodeDown().status().IsNotFound());
  EXPECT_TRUE(agent_.calls.empty());
}

}  // namespace
}  // namespace nymvisor
