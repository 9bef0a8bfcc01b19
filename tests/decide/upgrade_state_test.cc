#include "agent/decide/upgrade_state.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/values.h"

namespace nymvisor {
namespace {

UpgradeState Sample() {
  UpgradeState s;
  s.target = MakeGenesisInfo(testing::NodeBuildInfo("1.2.0"));
  s.target.name = "v2";
  s.target.manual = false;
  s.from_name = "genesis";
  s.from_version = "1.1.0";
  s.from_build = testing::NodeBuildInfo("1.1.0");
  s.step = UpgradeStep::kHealthCheck;
  s.started_at = *ParseTimestamp("2026-11-26T12:00:00.25Z");
  s.attempts = 2;
  s.backup_path = "/var/lib/nym/mixnode/nymvisor/backups/v2/backup-x";
  s.restarts_before = 3;
  s.health_started_at = *ParseTimestamp("2026-11-26T12:00:05Z");
  return s;
}

TEST(UpgradeState, RoundTripsThroughJson) {
  UpgradeState s = Sample();
  EXPECT_EQ(*ParseUpgradeState(DumpJsonPretty(UpgradeStateToJson(s))), s);
  s.health_started_at.reset();
  s.skip_backup = true;
  s.failure = "the unit failed";
  EXPECT_EQ(*UpgradeStateFromJson(UpgradeStateToJson(s)), s);
}

TEST(UpgradeState, KeepsTheUpgradesARollbackUndoes) {
  UpgradeState s = Sample();
  s.revert = true;
  s.undone = {"v4", "v3"};
  Json j = UpgradeStateToJson(s);
  EXPECT_EQ(*UpgradeStateFromJson(j), s);
  j.erase("undone");  // written before rollback --to
  EXPECT_TRUE(UpgradeStateFromJson(j)->undone.empty());
  j["undone"] = "v4";
  EXPECT_FALSE(UpgradeStateFromJson(j).ok());
}

TEST(UpgradeState, KeepsWhetherItTakesAFleetSlot) {
  UpgradeState s = Sample();
  Json without = UpgradeStateToJson(s);
  EXPECT_FALSE(without.contains("fleet")) << "a file without a fleet stays as it was";
  EXPECT_FALSE(UpgradeStateFromJson(without)->fleet);
  s.fleet = true;
  s.committed = true;
  s.step = UpgradeStep::kReleasingSlot;
  EXPECT_EQ(*UpgradeStateFromJson(UpgradeStateToJson(s)), s);
}

TEST(UpgradeState, EveryStepHasAName) {
  for (const StepSpec& spec : StepTable()) {
    UpgradeState s = Sample();
    s.step = spec.step;
    EXPECT_EQ(UpgradeStateToJson(s)["step"], std::string(spec.name));
    EXPECT_EQ(UpgradeStateFromJson(UpgradeStateToJson(s))->step, s.step);
  }
}

TEST(UpgradeState, RejectsUnknownStepsAndMissingKeys) {
  Json j = UpgradeStateToJson(Sample());
  j["step"] = "dancing";
  EXPECT_NE(UpgradeStateFromJson(j).status().message().find("unknown upgrade step 'dancing'"),
            std::string::npos);
  j = UpgradeStateToJson(Sample());
  j.erase("fromBuild");
  EXPECT_FALSE(UpgradeStateFromJson(j).ok());
  EXPECT_FALSE(ParseUpgradeState("{}").ok());
}

TEST(IsRollbackStep, OnlyTheUndoSteps) {
  EXPECT_TRUE(IsRollbackStep(UpgradeStep::kRestoring));
  EXPECT_TRUE(IsRollbackStep(UpgradeStep::kRollbackVerifying));
  EXPECT_FALSE(IsRollbackStep(UpgradeStep::kAborting));
  EXPECT_FALSE(IsRollbackStep(UpgradeStep::kStarting));
}

}  // namespace
}  // namespace nymvisor
