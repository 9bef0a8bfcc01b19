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

}  // namespace
}  // namespace nymvisor
