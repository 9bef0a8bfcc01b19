#include "agent/decide/rollback_plan.h"

#include <gtest/gtest.h>

#include "tests/support/builders.h"

namespace nymvisor {
namespace {

using testing::GenesisPlan;
using testing::Upgrade;

HistoryEntry Entry(const std::string& name, const std::string& version,
                   UpgradeOutcome outcome = UpgradeOutcome::kCompleted) {
  return {*ParseTimestamp("2026-11-26T12:00:00Z"), Upgrade(name, version), outcome, ""};
}

UpgradePlan Running(const std::string& name, const std::string& version) {
  return {Upgrade(name, version), {}};
}

TEST(FindRollbackTarget, GenesisHasNothingBeforeIt) {
  UpgradePlan plan = GenesisPlan("1.1.0");
  Result<RollbackTarget> t = FindRollbackTarget(plan, {});
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.status().IsRefused());
  EXPECT_EQ(t.status().reason(), "NoPreviousVersion");
  EXPECT_NE(t.status().message().find("genesis version 1.1.0"), std::string::npos);
}

TEST(FindRollbackTarget, TheFirstUpgradeGoesBackToGenesis) {
  UpgradeHistory history{{Entry("v2", "1.2.0")}};
  RollbackTarget t = *FindRollbackTarget(Running("v2", "1.2.0"), history);
  EXPECT_EQ(t.from.name, "v2");
  EXPECT_EQ(t.to_name, "genesis");
  EXPECT_FALSE(t.to.has_value()) << "genesis's record is read from genesis/upgrade-info.json";
}

TEST(FindRollbackTarget, FailuresAndRefusalsAreNotVersionsThatRan) {
  UpgradeHistory history{{Entry("v2", "1.2.0"), Entry("v3", "1.3.0", UpgradeOutcome::kRolledBack),
                          Entry("v3b", "1.3.1", UpgradeOutcome::kFailed),
                          Entry("v4", "1.4.0", UpgradeOutcome::kSkipped), Entry("v5", "1.5.0")}};
  RollbackTarget t = *FindRollbackTarget(Running("v5", "1.5.0"), history);
  EXPECT_EQ(t.to_name, "v2");
  ASSERT_TRUE(t.to.has_value());
  EXPECT_EQ(t.to->version, "1.2.0");
}

TEST(FindRollbackTarget, AfterARollbackTheVersionBeforeThatOneIsNext) {
  // genesis -> v2 -> v3, rolled back to v2 (v3 reverted, v2 completed again).
  UpgradeHistory history{{Entry("v2", "1.2.0"), Entry("v3", "1.3.0"),
                          Entry("v3", "1.3.0", UpgradeOutcome::kReverted), Entry("v2", "1.2.0")}};
  EXPECT_EQ(FindRollbackTarget(Running("v2", "1.2.0"), history)->to_name, "genesis");
  // Upgraded to v3 again: back to v2.
  history.history.push_back(Entry("v3", "1.3.0"));
  EXPECT_EQ(FindRollbackTarget(Running("v3", "1.3.0"), history)->to_name, "v2");
}

HistoryEntry WithBackup(HistoryEntry entry, const std::string& backup) {
  entry.backup = backup;
  return entry;
}

TEST(FindRollbackTarget, NamesTheBackupsRecordedWithTheUpgradeUndoneAndTheVersionReturnedTo) {
  // genesis -> v2 -> v3; rolled back to v2, whose entry carries its own backup.
  UpgradeHistory history{
      {WithBackup(Entry("v2", "1.2.0"), "/b/v2/1"), WithBackup(Entry("v3", "1.3.0"), "/b/v3/1")}};
  RollbackTarget t = *FindRollbackTarget(Running("v3", "1.3.0"), history);
  EXPECT_EQ(t.from_backup, "/b/v3/1") << "the data from just before v3";
  EXPECT_EQ(t.to_backup, "/b/v2/1") << "v2's rollback needs this one next";
  history.history.push_back(Entry("v3", "1.3.0", UpgradeOutcome::kReverted));
  history.history.push_back(WithBackup(Entry("v2", "1.2.0"), "/b/v2/1"));
  t = *FindRollbackTarget(Running("v2", "1.2.0"), history);
  EXPECT_EQ(t.to_name, "genesis");
  EXPECT_EQ(t.from_backup, "/b/v2/1") << "the data from before v2, not the rollback's copy";
  EXPECT_FALSE(t.to_backup.has_value());
}

TEST(FindRollbackTarget, AHistoryWithoutRecordedBackupsSaysNothingOfThem) {
  UpgradeHistory history{{Entry("v2", "1.2.0"), Entry("v3", "1.3.0")}};
  RollbackTarget t = *FindRollbackTarget(Running("v3", "1.3.0"), history);
  EXPECT_FALSE(t.from_backup.has_value());
  EXPECT_FALSE(t.to_backup.has_value());
}

TEST(FindRollbackTarget, ACurrentVersionMissingFromTheHistoryUsesTheNewestOtherOne) {
  UpgradeHistory history{{Entry("v2", "1.2.0")}};
  EXPECT_EQ(FindRollbackTarget(Running("v9", "1.9.0"), history)->to_name, "v2");
}

HistoryEntry At(HistoryEntry entry, const std::string& time) {
  entry.performed_at = *ParseTimestamp(time);
  return entry;
}

TEST(ListRollbackOptions, GenesisHasNone) {
  EXPECT_TRUE(ListRollbackOptions(GenesisPlan("1.1.0"), {}).empty());
}

TEST(ListRollbackOptions, ListsEveryVersionBackToGenesisWithTheBackupThatHoldsItsData) {
  // genesis -> v2 -> v3 -> v4, each upgrade recording the backup it took.
  UpgradeHistory history{{At(WithBackup(Entry("v2", "1.2.0"), "/b/v2"), "2026-11-01T00:00:00Z"),
                          At(WithBackup(Entry("v3", "1.3.0"), "/b/v3"), "2026-11-02T00:00:00Z"),
                          At(WithBackup(Entry("v4", "1.4.0"), "/b/v4"), "2026-11-03T00:00:00Z")}};
  std::vector<RollbackOption> options = ListRollbackOptions(Running("v4", "1.4.0"), history);
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0].name, "v3");
  EXPECT_EQ(options[0].restore_backup, "/b/v4") << "v3's data as v4 found it";
  EXPECT_EQ(options[0].own_backup, "/b/v3");
  EXPECT_EQ(options[0].left_at, *ParseTimestamp("2026-11-03T00:00:00Z"));
  EXPECT_EQ(options[0].undone, (std::vector<std::string>{"v4"}));
  EXPECT_EQ(options[1].name, "v2");
  ASSERT_TRUE(options[1].info.has_value());
  EXPECT_EQ(options[1].info->version, "1.2.0");
  EXPECT_EQ(options[1].restore_backup, "/b/v3");
  EXPECT_EQ(options[1].replaced_by, "v3");
  EXPECT_EQ(options[1].left_at, *ParseTimestamp("2026-11-02T00:00:00Z"));
  EXPECT_EQ(options[2].name, "genesis");
  EXPECT_FALSE(options[2].info.has_value());
  EXPECT_EQ(options[2].restore_backup, "/b/v2");
  EXPECT_EQ(options[2].undone, (std::vector<std::string>{"v4", "v3", "v2"}));
}

TEST(ListRollbackOptions, VersionsUndoneByARollbackToAnOlderOneAreGone) {
  // genesis -> v2 -> v3, rolled back to genesis (both undone), then v4.
  UpgradeHistory history{{WithBackup(Entry("v2", "1.2.0"), "/b/v2"),
                          WithBackup(Entry("v3", "1.3.0"), "/b/v3"),
                          Entry("v3", "1.3.0", UpgradeOutcome::kReverted),
                          Entry("v2", "1.2.0", UpgradeOutcome::kReverted),
                          Entry("genesis", "1.1.0"), WithBackup(Entry("v4", "1.4.0"), "/b/v4")}};
  std::vector<RollbackOption> options = ListRollbackOptions(Running("v4", "1.4.0"), history);
  ASSERT_EQ(options.size(), 1u);
  EXPECT_EQ(options[0].name, "genesis");
  EXPECT_EQ(options[0].restore_backup, "/b/v4");
}

TEST(ListRollbackOptions, AVersionThatRanTwiceIsListedOnce) {
  // genesis -> v2 -> v3, rolled back to v2, upgraded to v3 again.
  UpgradeHistory history{
      {WithBackup(Entry("v2", "1.2.0"), "/b/v2"), WithBackup(Entry("v3", "1.3.0"), "/b/v3"),
       Entry("v3", "1.3.0", UpgradeOutcome::kReverted), WithBackup(Entry("v2", "1.2.0"), "/b/v2"),
       WithBackup(Entry("v3", "1.3.0"), "/b/v3-again")}};
  std::vector<RollbackOption> options = ListRollbackOptions(Running("v3", "1.3.0"), history);
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options[0].name, "v2");
  EXPECT_EQ(options[0].restore_backup, "/b/v3-again");
  EXPECT_EQ(options[1].name, "genesis");
  EXPECT_EQ(options[1].restore_backup, "/b/v2");
}

TEST(FindRollbackTarget, TwoVersionsBackRestoresTheBackupTakenWhenTheNextOneWasApplied) {
  UpgradeHistory history{{WithBackup(Entry("v2", "1.2.0"), "/b/v2"),
                          WithBackup(Entry("v3", "1.3.0"), "/b/v3"),
                          WithBackup(Entry("v4", "1.4.0"), "/b/v4")}};
  RollbackTarget t = *FindRollbackTarget(Running("v4", "1.4.0"), history, "v2");
  EXPECT_EQ(t.to_name, "v2");
  EXPECT_EQ(t.from_backup, "/b/v3");
  EXPECT_EQ(t.backup_of, "v3");
  EXPECT_EQ(t.to_backup, "/b/v2");
  EXPECT_EQ(t.undone, (std::vector<std::string>{"v4", "v3"}));
  t = *FindRollbackTarget(Running("v4", "1.4.0"), history, "genesis");
  EXPECT_EQ(t.from_backup, "/b/v2");
  EXPECT_FALSE(t.to.has_value());
  EXPECT_EQ(t.undone, (std::vector<std::string>{"v4", "v3", "v2"}));
  EXPECT_EQ(FindRollbackTarget(Running("v4", "1.4.0"), history, "")->to_name, "v3");
}

TEST(FindRollbackTarget, RefusesATargetThatIsNoVersionToReturnToAndListsTheChoices) {
  UpgradeHistory history{{Entry("v2", "1.2.0"), Entry("v3", "1.3.0", UpgradeOutcome::kRolledBack),
                          Entry("v4", "1.4.0")}};
  for (const char* to : {"v3", "v4", "nope"}) {
    Result<RollbackTarget> t = FindRollbackTarget(Running("v4", "1.4.0"), history, to);
    ASSERT_FALSE(t.ok()) << to;
    EXPECT_EQ(t.status().reason(), "UnknownRollbackTarget");
    EXPECT_NE(t.status().message().find("v2 (1.2.0), genesis"), std::string::npos)
        << t.status().message();
  }
  EXPECT_NE(FindRollbackTarget(Running("v4", "1.4.0"), history, "v4")
                .status()
                .message()
                .find("runs it now"),
            std::string::npos);
}

TEST(BackupsForRollbacks, KeepsTheBackupsOfTheFirstVersionsAndSaysWhenOneIsUnknown) {
  UpgradeHistory history{{WithBackup(Entry("v2", "1.2.0"), "/b/v2"),
                          WithBackup(Entry("v3", "1.3.0"), ""),
                          WithBackup(Entry("v4", "1.4.0"), "/b/v4")}};
  std::vector<RollbackOption> options = ListRollbackOptions(Running("v4", "1.4.0"), history);
  RollbackBackups two = BackupsForRollbacks(options, 2);
  EXPECT_EQ(two.paths, (std::vector<std::string>{"/b/v4"})) << "v3 took no backup";
  EXPECT_TRUE(two.complete);
  EXPECT_EQ(BackupsForRollbacks(options, 9).paths, (std::vector<std::string>{"/b/v4", "/b/v2"}));
  EXPECT_TRUE(BackupsForRollbacks(options, 0).paths.empty());
  history.history[1].backup.reset();  // written before backups were recorded
  EXPECT_FALSE(
      BackupsForRollbacks(ListRollbackOptions(Running("v4", "1.4.0"), history), 2).complete);
}

}  // namespace
}  // namespace nymvisor
