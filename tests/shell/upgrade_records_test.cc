#include "agent/shell/upgrade_records.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "tests/support/builders.h"
#include "tests/support/config_builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::NodeBuildInfo;
using testing::TempDir;
using testing::WriteFile;

class UpgradeRecordsTest : public ::testing::Test {
 protected:
  UpgradeRecordsTest() : now_(*ParseTimestamp("2026-11-26T12:00:00Z")) {
    std::filesystem::create_directories(layout_.data_dir);
    genesis_ = MakeGenesisInfo(NodeBuildInfo("1.1.0"));
    EXPECT_TRUE(store_.SavePlan({genesis_, {}}).ok());
  }

  UpgradeInfo Info(const std::string& name, const std::string& version, Duration in) {
    UpgradeInfo info = testing::Upgrade(name, version, now_ + in);
    info.platforms["any"] = {"", ChecksumAlgorithm::kSha256, "https://example/" + name};
    return info;
  }
  UpgradeState StateFor(const UpgradeInfo& target, bool leave_stopped = false) {
    UpgradeState state;
    state.target = target;
    state.from_name = "genesis";
    state.from_version = "1.1.0";
    state.started_at = now_ + 1h;
    state.leave_stopped = leave_stopped;
    return state;
  }
  UpgradePlan Plan() { return *store_.LoadPlan(); }
  UpgradeHistory History() { return *store_.LoadHistory(); }

  TempDir dir_;
  RealFileSystem files_;
  Layout layout_ = testing::NodeLayout(dir_.path());
  UpgradeRecords records_{files_, layout_};  // copies layout_, so it comes after it
  RecordStore store_{files_, layout_};
  Timestamp now_;
  UpgradeInfo genesis_;
};

TEST_F(UpgradeRecordsTest, QueueWritesUpgradeInfoAndPlanEntryOnce) {
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  ASSERT_TRUE(records_.Queue(v2).ok());
  Result<UpgradeInfo> saved = store_.LoadUpgradeInfo("v2");
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(*saved, v2);
  EXPECT_TRUE(std::filesystem::exists(layout_.UpgradeInfoFile("v2")));
  EXPECT_EQ(Plan(), (UpgradePlan{genesis_, {v2}}));

  ASSERT_TRUE(records_.Queue(v2).ok());
  EXPECT_EQ(Plan(), (UpgradePlan{genesis_, {v2}})) << "queuing twice is a no-op";
}

TEST_F(UpgradeRecordsTest, SwitchCurrentPointsTheLinkAndWritesCurrentVersion) {
  WriteFile(layout_.UpgradeBinary("v2"), "new binary", 0755);
  ASSERT_TRUE(records_.SwitchCurrent("v2", "1.2.0", NodeBuildInfo("1.2.0"), now_).ok());
  EXPECT_EQ(std::filesystem::read_symlink(layout_.CurrentLink()), layout_.UpgradeDir("v2"));
  EXPECT_EQ(testing::ReadFileOrDie(layout_.CurrentBinary()), "new binary");
  EXPECT_EQ(*store_.LoadCurrentVersion(),
            (CurrentVersion{"v2", "1.2.0", now_, NodeBuildInfo("1.2.0")}));

  // Switching again replaces the existing link.
  ASSERT_TRUE(records_.SwitchCurrent("genesis", "1.1.0", NodeBuildInfo("1.1.0"), now_ + 1s).ok());
  EXPECT_EQ(std::filesystem::read_symlink(layout_.CurrentLink()), layout_.GenesisDir());
  EXPECT_EQ(store_.LoadCurrentVersion()->name, "genesis");
}

TEST_F(UpgradeRecordsTest, CommitMakesTargetCurrentAndRecordsHistoryOnce) {
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  UpgradeInfo v3 = Info("v3", "1.3.0", 2h);
  ASSERT_TRUE(records_.Queue(v2).ok());
  ASSERT_TRUE(records_.Queue(v3).ok());
  UpgradeState state = StateFor(v2);
  state.backup_path = "/backups/v2/backup-1-preupgrade";
  ASSERT_TRUE(records_.Commit(state).ok());
  EXPECT_EQ(Plan(), (UpgradePlan{v2, {v3}}));
  // The entry names the backup a rollback from v2 restores.
  UpgradeHistory want{
      {{state.started_at, v2, UpgradeOutcome::kCompleted, "", "/backups/v2/backup-1-preupgrade"}}};
  EXPECT_EQ(History(), want);

  ASSERT_TRUE(records_.Commit(state).ok());
  EXPECT_EQ(Plan(), (UpgradePlan{v2, {v3}}));
  EXPECT_EQ(History(), want) << "a repeated commit appends nothing";
  EXPECT_FALSE(records_.AwaitingStart());
}

TEST_F(UpgradeRecordsTest, ARevertRecordsTheVersionItReturnsToWithThatVersionsOwnBackup) {
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  UpgradeState state = StateFor(v2);
  state.revert = true;
  state.from_name = "v3";
  state.from_version = "1.3.0";
  state.backup_path = "/backups/.rollback-to-v2/backup-1-preupgrade";  // 1.3.0's data
  state.target_backup = "/backups/v2/backup-1-preupgrade";             // from before v2
  ASSERT_TRUE(records_.Commit(state).ok());
  UpgradeHistory history = History();
  ASSERT_EQ(history.history.size(), 2u);
  EXPECT_EQ(history.history[0].outcome, UpgradeOutcome::kReverted);
  EXPECT_EQ(history.history[1].info.name, "v2");
  EXPECT_EQ(history.history[1].backup, "/backups/v2/backup-1-preupgrade");
}

TEST_F(UpgradeRecordsTest, ClearRefusalsClearsOnlyRefusalsAndOnlyOnce) {
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  UpgradeInfo v3 = Info("v3", "1.3.0", 2h);
  ASSERT_TRUE(records_.RecordFailure(v2, UpgradeOutcome::kRefused, "hook said 3", now_).ok());
  ASSERT_TRUE(records_.RecordFailure(v3, UpgradeOutcome::kFailed, "bad", now_).ok());
  Result<std::vector<std::string>> cleared = records_.ClearRefusals(now_ + 1h);
  ASSERT_TRUE(cleared.ok()) << cleared.status().message();
  EXPECT_EQ(*cleared, std::vector<std::string>{"v2"});
  UpgradeHistory history = *store_.LoadHistory();
  ASSERT_EQ(history.history.size(), 2u);
  EXPECT_EQ(history.history[0].cleared_at, now_ + 1h);
  EXPECT_FALSE(history.history[1].cleared_at) << "a failure is never cleared";
  EXPECT_TRUE(records_.ClearRefusals(now_ + 2h)->empty()) << "cleared once";
  EXPECT_EQ(store_.LoadHistory()->history[0].cleared_at, now_ + 1h);
}

TEST_F(UpgradeRecordsTest, ManualCommitAwaitsStartUntilANonManualCommit) {
  EXPECT_FALSE(records_.AwaitingStart());
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  ASSERT_TRUE(records_.Commit(StateFor(v2, /*leave_stopped=*/true)).ok());
  EXPECT_TRUE(records_.AwaitingStart());
  EXPECT_EQ(Plan().current, v2);

  UpgradeState v3 = StateFor(Info("v3", "1.3.0", 2h));
  v3.started_at = now_ + 2h;
  ASSERT_TRUE(records_.Commit(v3).ok());
  EXPECT_FALSE(records_.AwaitingStart());
  EXPECT_EQ(History().history.size(), 2u);
}

TEST_F(UpgradeRecordsTest, ClearAwaitingStartRemovesTheMarkerAndToleratesItsAbsence) {
  ASSERT_TRUE(records_.Commit(StateFor(Info("v2", "1.2.0", 1h), true)).ok());
  ASSERT_TRUE(records_.AwaitingStart());
  EXPECT_TRUE(records_.ClearAwaitingStart().ok());
  EXPECT_FALSE(records_.AwaitingStart());
  EXPECT_TRUE(records_.ClearAwaitingStart().ok());
  EXPECT_FALSE(records_.AwaitingStart());
}

TEST_F(UpgradeRecordsTest, RecordFailureLeavesTheQueueAndExplainsWhy) {
  UpgradeInfo v2 = Info("v2", "1.2.0", 1h);
  ASSERT_TRUE(records_.Queue(v2).ok());
  Timestamp started = now_ + 1h;
  ASSERT_TRUE(records_.RecordFailure(v2, UpgradeOutcome::kRolledBack, "unhealthy", started).ok());
  EXPECT_EQ(Plan(), (UpgradePlan{genesis_, {}}));
  UpgradeHistory want{{{started, v2, UpgradeOutcome::kRolledBack, "unhealthy"}}};
  EXPECT_EQ(History(), want);

  ASSERT_TRUE(records_.RecordFailure(v2, UpgradeOutcome::kRolledBack, "unhealthy", started).ok());
  EXPECT_EQ(History(), want) << "a repeat is a no-op";

  // A later attempt at the same upgrade is a new history entry.
  ASSERT_TRUE(
      records_.RecordFailure(v2, UpgradeOutcome::kFailed, "download failed", started + 1h).ok());
  ASSERT_EQ(History().history.size(), 2u);
  EXPECT_EQ(History().history[1].outcome, UpgradeOutcome::kFailed);
  EXPECT_EQ(History().history[1].reason, "download failed");
  EXPECT_EQ(Plan().current, genesis_);
}

TEST_F(UpgradeRecordsTest, StateRoundTripsAndClears) {
  Result<std::optional<UpgradeState>> none = records_.LoadState();
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());

  UpgradeState state = StateFor(Info("v2", "1.2.0", 1h));
  state.step = UpgradeStep::kHealthCheck;
  state.attempts = 2;
  state.backup_path = (dir_ / "nymvisor/backups/v2").string();
  state.switched = true;
  state.health_started_at = now_ + 2h;
  ASSERT_TRUE(records_.SaveState(state).ok());
  Result<std::optional<UpgradeState>> loaded = records_.LoadState();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, state);

  ASSERT_TRUE(records_.ClearState().ok());
  EXPECT_FALSE(records_.LoadState()->has_value());
  EXPECT_TRUE(records_.ClearState().ok()) << "clearing an absent state is fine";
}

TEST_F(UpgradeRecordsTest, CorruptStateIsAnErrorNamingTheFile) {
  std::filesystem::path file = layout_.data_dir / "upgrade-state.json";
  WriteFile(file, "{\"target\": ");
  Result<std::optional<UpgradeState>> loaded = records_.LoadState();
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(file.string()), std::string::npos)
      << loaded.status().message();
}

}  // namespace
}  // namespace nymvisor
