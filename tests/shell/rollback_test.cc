// Operator rollbacks, one after another: each restores the data as it was
// just before the upgrade it undoes, or is refused; never other data.

#include <gtest/gtest.h>

#include "agent/base/message_ids.h"
#include "agent/decide/rollback_plan.h"
#include "agent/shell/agent.h"
#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr char kRoot[] = "uid 0 (root)";

class RollbackTest : public testing::AgentFixture {
 protected:
  RollbackTest() {
    EXPECT_TRUE(store_.SaveUpgradeInfo(genesis_).ok());
    testing::WriteFile(layout_.UpgradeBinary("genesis"), "old binary", 0755);
  }

  /// Lets the upgrade or rollback in flight stop the node, start it and pass
  /// its health check.
  void RunToCommit() {
    systemd_.Finish();  // stop (then the backup, the switch, a restore)
    systemd_.Finish();  // start
    scheduler_.Advance(31s);
    ASSERT_FALSE(agent_->Snapshot().state == AgentState::kHealthCheck);
  }

  /// genesis 1.1.0 -> v2 1.2.0 -> v3 1.3.0; each version writes its data.
  void UpgradeTwice() {
    backups_.home = "data of 1.1.0";
    PublishAs("v2", "1.2.0", std::string(10'000, '2'));
    StartAgent();
    RunToCommit();
    ASSERT_EQ(store_.LoadPlan()->current.name, "v2");
    backups_.home = "data of 1.2.0";
    PublishAs("v3", "1.3.0", std::string(10'000, '3'));
    ASSERT_TRUE(agent_->CheckNow().ok());
    RunToCommit();
    ASSERT_EQ(store_.LoadPlan()->current.name, "v3");
    backups_.home = "data of 1.3.0";
  }

  /// An operator's rollback, run to its commit; returns the version it went to.
  std::string RollBack() {
    Result<std::string> to = agent_->Rollback(kRoot);
    EXPECT_TRUE(to.ok()) << to.status().message();
    if (!to.ok()) return "";
    RunToCommit();
    return *to;
  }
};

TEST_F(RollbackTest, ASecondRollbackRestoresTheDataFromBeforeTheUpgradeItUndoes) {
  UpgradeTwice();
  EXPECT_EQ(RollBack(), "1.2.0");
  EXPECT_EQ(backups_.home, "data of 1.2.0") << "the data from just before v3";
  EXPECT_EQ(store_.LoadPlan()->current.name, "v2");
  // The rollback's own copy of 1.3.0's data is kept apart from v2's backups.
  EXPECT_NE(std::find(backups_.calls.begin(), backups_.calls.end(), "create .rollback-to-v2"),
            backups_.calls.end());
  EXPECT_NE(std::find(backups_.calls.begin(), backups_.calls.end(),
                      "restore /backups/v3/backup-1-preupgrade"),
            backups_.calls.end());
  backups_.home = "data of 1.2.0, written after the rollback";
  EXPECT_EQ(RollBack(), "1.1.0");
  EXPECT_EQ(backups_.home, "data of 1.1.0") << "the data from just before v2, not 1.3.0's";
  EXPECT_EQ(store_.LoadPlan()->current.name, "genesis");
}

TEST_F(RollbackTest, PruneKeepsTheBackupTheRunningVersionsRollbackNeeds) {
  config_.daemon.backups_to_keep = 2;
  UpgradeTwice();  // backups: before v2, before v3
  EXPECT_EQ(RollBack(), "1.2.0");
  // Three backups now (the rollback took one); the newest two are the
  // rollback's own and the one before v3, but v2's rollback needs the one
  // before v2: it stays.
  EXPECT_EQ(RollBack(), "1.1.0");
  EXPECT_EQ(backups_.home, "data of 1.1.0");
}

TEST_F(RollbackTest, RollbackToTwoVersionsBackRestoresThatVersionsDataAndUndoesBoth) {
  UpgradeTwice();
  Result<std::string> to = agent_->Rollback(kRoot, "genesis");
  ASSERT_TRUE(to.ok()) << to.status().message();
  EXPECT_EQ(*to, "1.1.0");
  RunToCommit();
  EXPECT_EQ(backups_.home, "data of 1.1.0") << "the data from just before v2";
  EXPECT_NE(std::find(backups_.calls.begin(), backups_.calls.end(),
                      "restore /backups/v2/backup-1-preupgrade"),
            backups_.calls.end());
  EXPECT_EQ(store_.LoadPlan()->current.name, "genesis");
  UpgradeHistory history = *store_.LoadHistory();
  for (const char* undone : {"v3", "v2"}) {
    const HistoryEntry* entry = LastEntryFor(history, undone);
    ASSERT_NE(entry, nullptr) << undone;
    EXPECT_EQ(entry->outcome, UpgradeOutcome::kReverted) << undone;
  }
  EXPECT_TRUE(ListRollbackOptions(*store_.LoadPlan(), history).empty());
}

TEST_F(RollbackTest, RollbackToAVersionNotBeforeTheRunningOneIsRefusedAndTouchesNothing) {
  UpgradeTwice();
  int stops = Calls(std::string("stop ") + kUnit);
  Status refused = agent_->Rollback(kRoot, "v9").status();
  EXPECT_EQ(refused.reason(), "UnknownRollbackTarget");
  EXPECT_NE(refused.message().find("v2 (1.2.0), genesis"), std::string::npos) << refused.message();
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), stops);
  EXPECT_EQ(store_.LoadPlan()->current.name, "v3");
}

TEST_F(RollbackTest, RetentionCountsVersionsToReturnToNotBackups) {
  config_.daemon.backups_to_keep = 2;
  UpgradeTwice();                  // backups: before v2, before v3
  EXPECT_EQ(RollBack(), "1.2.0");  // and the rollback's own copy of 1.3.0's data
  backups_.home = "data of 1.2.0";
  PublishAs("v4", "1.4.0", std::string(10'000, '4'));
  ASSERT_TRUE(agent_->CheckNow().ok());
  RunToCommit();
  ASSERT_EQ(store_.LoadPlan()->current.name, "v4");
  // Two versions to return to (v2, genesis): their backups stay, although
  // the rollback's copy and v3's backup are newer than genesis's.
  std::vector<std::filesystem::path> left;
  for (const auto& [path, data] : backups_.backups) left.push_back(path);
  EXPECT_EQ(left, (std::vector<std::filesystem::path>{"/backups/v2/backup-1-preupgrade",
                                                      "/backups/v4/backup-1-preupgrade"}));
  Result<std::string> to = agent_->Rollback(kRoot, "genesis");
  ASSERT_TRUE(to.ok()) << to.status().message();
  RunToCommit();
  EXPECT_EQ(backups_.home, "data of 1.1.0");
}

TEST_F(RollbackTest, WithOneBackupKeptASecondRollbackIsRefusedRatherThanGivenOtherData) {
  config_.daemon.backups_to_keep = 1;
  UpgradeTwice();  // v3's prune removed the backup from before v2
  EXPECT_EQ(RollBack(), "1.2.0");
  EXPECT_EQ(backups_.home, "data of 1.2.0");
  int stops = Calls(std::string("stop ") + kUnit);
  Status refused = agent_->Rollback(kRoot).status();
  EXPECT_EQ(refused.reason(), "NoBackup");
  EXPECT_NE(refused.message().find("/backups/v2/backup-1-preupgrade"), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("backups_to_keep"), std::string::npos) << refused.message();
  EXPECT_EQ(backups_.home, "data of 1.2.0") << "nothing was restored";
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), stops) << "the node was not touched";
  EXPECT_EQ(store_.LoadPlan()->current.name, "v2");
}

TEST_F(RollbackTest, AnUpgradeAppliedWithoutABackupIsNotRolledBackOntoAnotherOne) {
  UpgradeTwice();
  // v3 is applied again (after a revert), this time without a backup: the
  // backup from its first application holds other data.
  UpgradeHistory history = *store_.LoadHistory();
  history.history.back().backup = "";
  ASSERT_TRUE(store_.SaveHistory(history).ok());
  Status refused = agent_->Rollback(kRoot).status();
  EXPECT_EQ(refused.reason(), "NoBackup");
  EXPECT_NE(refused.message().find("without a backup"), std::string::npos) << refused.message();
}

TEST_F(RollbackTest, AHistoryWithoutRecordedBackupsFallsBackToTheNewestBackupOfTheUpgrade) {
  UpgradeTwice();
  UpgradeHistory history = *store_.LoadHistory();
  for (HistoryEntry& entry : history.history) entry.backup.reset();  // as 0.1.0 wrote it
  ASSERT_TRUE(store_.SaveHistory(history).ok());
  EXPECT_EQ(RollBack(), "1.2.0");
  EXPECT_EQ(backups_.home, "data of 1.2.0");
  // The rollback pinned v2's own backup in the history before its own copy
  // of 1.3.0's data existed.
  EXPECT_EQ(store_.LoadHistory()->history.back().backup, "/backups/v2/backup-1-preupgrade");
  EXPECT_EQ(RollBack(), "1.1.0");
  EXPECT_EQ(backups_.home, "data of 1.1.0");
}

TEST_F(RollbackTest, ARolledBackBinaryPublishedUnderANewNameIsNotApplied) {
  std::string bad(10'000, '3');
  PublishAs("v3", "1.3.0", bad);
  StartAgent();
  systemd_.Finish();  // stop 1.1.0
  systemd_.Finish();  // start 1.3.0
  systemd_.Change(kUnit, [](UnitState& u) {
    u.active_state = ActiveState::kFailed;
    u.result = "exit-code";
  });
  systemd_.Finish();  // stop 1.3.0
  systemd_.Finish();  // start 1.1.0 again
  scheduler_.Advance(11s);
  ASSERT_EQ(LastEntryFor(*store_.LoadHistory(), "v3")->outcome, UpgradeOutcome::kRolledBack);
  int stops = Calls(std::string("stop ") + kUnit);

  PublishAs("v3-again", "1.3.0", bad);
  ASSERT_TRUE(agent_->CheckNow().ok());
  scheduler_.Advance(1min);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), stops) << "not applied again";
  EXPECT_TRUE(Journaled("1.3.0 with this checksum was rolled back on"));
  EXPECT_TRUE(Journaled("as upgrade 'v3'"));

  PublishAs("v3-fixed", "1.3.0", std::string(10'000, '4'));  // a fixed re-release
  ASSERT_TRUE(agent_->CheckNow().ok());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), stops + 1) << "a new binary is a new candidate";
}

}  // namespace
}  // namespace nymvisor
