#include "agent/records/upgrade_history.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/values.h"

namespace nymvisor {
namespace {

HistoryEntry Entry(const std::string& name, UpgradeOutcome outcome, const std::string& reason) {
  HistoryEntry e;
  e.performed_at = *ParseTimestamp("2024-11-19T09:00:12.345678901Z");
  e.info = MakeGenesisInfo(testing::NodeBuildInfo("1.1.12"));
  e.info.name = name;
  e.outcome = outcome;
  e.reason = reason;
  return e;
}

TEST(UpgradeHistory, CompletedEntriesLookLikeTheOriginals) {
  UpgradeHistory h{{Entry("a", UpgradeOutcome::kCompleted, "")}};
  Json j = UpgradeHistoryToJson(h);
  EXPECT_FALSE(j["history"][0].contains("outcome"));
  EXPECT_FALSE(j["history"][0].contains("reason"));
  EXPECT_EQ(j["history"][0]["performedAt"], "2024-11-19T09:00:12.345678901Z");
  EXPECT_EQ(*UpgradeHistoryFromJson(j), h);
}

TEST(UpgradeHistory, RollbacksKeepOutcomeAndReason) {
  UpgradeHistory h{
      {Entry("a", UpgradeOutcome::kRolledBack, "unit failed during the health check")}};
  Json j = UpgradeHistoryToJson(h);
  EXPECT_EQ(j["history"][0]["outcome"], "rolled-back");
  EXPECT_EQ(*UpgradeHistoryFromJson(j), h);
}

TEST(UpgradeHistory, ARefusalKeepsWhenItWasCleared) {
  UpgradeHistory h{{Entry("a", UpgradeOutcome::kRefused, "pre_upgrade_command exited with 3")}};
  Json j = UpgradeHistoryToJson(h);
  EXPECT_EQ(j["history"][0]["outcome"], "refused");
  EXPECT_FALSE(j["history"][0].contains("clearedAt"));
  EXPECT_EQ(*UpgradeHistoryFromJson(j), h);
  h.history[0].cleared_at = *ParseTimestamp("2024-11-20T10:00:00Z");
  j = UpgradeHistoryToJson(h);
  EXPECT_EQ(j["history"][0]["clearedAt"], "2024-11-20T10:00:00Z");
  EXPECT_EQ(*UpgradeHistoryFromJson(j), h);
}

TEST(UpgradeHistory, ACompletedEntryNamesItsBackupAndOlderEntriesHaveNone) {
  UpgradeHistory h{
      {Entry("a", UpgradeOutcome::kCompleted, ""), Entry("b", UpgradeOutcome::kCompleted, "")}};
  h.history[1].backup = "/backups/b/backup-1-preupgrade";
  Json j = UpgradeHistoryToJson(h);
  EXPECT_FALSE(j["history"][0].contains("backup")) << "unknown: written before it was recorded";
  EXPECT_EQ(j["history"][1]["backup"], "/backups/b/backup-1-preupgrade");
  EXPECT_EQ(*UpgradeHistoryFromJson(j), h);
  h.history[1].backup = "";  // applied without a backup
  EXPECT_EQ(*UpgradeHistoryFromJson(UpgradeHistoryToJson(h)), h);
}

TEST(UpgradeHistory, RejectsUnknownOutcomeAndMissingKeys) {
  Json j = UpgradeHistoryToJson(UpgradeHistory{{Entry("a", UpgradeOutcome::kFailed, "x")}});
  j["history"][0]["outcome"] = "exploded";
  EXPECT_NE(UpgradeHistoryFromJson(j).status().message().find("outcome"), std::string::npos);
  j = UpgradeHistoryToJson(UpgradeHistory{{Entry("a", UpgradeOutcome::kFailed, "x")}});
  j["history"][0].erase("performedAt");
  EXPECT_NE(UpgradeHistoryFromJson(j).status().message().find("history[0]"), std::string::npos);
  EXPECT_FALSE(ParseUpgradeHistory(R"({"history": 3})").ok());
}

TEST(UpgradeHistory, LastEntryForFindsTheNewest) {
  UpgradeHistory h{{Entry("a", UpgradeOutcome::kRolledBack, "1"),
                    Entry("b", UpgradeOutcome::kCompleted, ""),
                    Entry("a", UpgradeOutcome::kCompleted, "")}};
  EXPECT_EQ(LastEntryFor(h, "a")->outcome, UpgradeOutcome::kCompleted);
  EXPECT_EQ(LastEntryFor(h, "zzz"), nullptr);
}

}  // namespace
}  // namespace nymvisor
