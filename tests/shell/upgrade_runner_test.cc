#include "agent/shell/upgrade_runner.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "agent/base/message_ids.h"
#include "agent/decide/status_snapshot.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::NodeBuildInfo;

using UpgradeRunnerTest = testing::RunnerFixture;

TEST_F(UpgradeRunnerTest, AHealthyUpgradeIsCommitted) {
  ASSERT_TRUE(runner_->Begin(Initial()).ok());
  EXPECT_EQ(RecordedStep(), UpgradeStep::kPreCopying);
  EXPECT_TRUE(systemd_.calls.empty()) << "the node runs during the pre-copy";
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.front(), "pre-copy v2");
  EXPECT_EQ(systemd_.calls.back(), std::string("stop ") + kUnit);
  EXPECT_EQ(RecordedStep(), UpgradeStep::kStopping);
  systemd_.Finish();
  EXPECT_EQ(RecordedStep(), UpgradeStep::kBackingUp);
  EXPECT_EQ(backups_.calls.size(), 1u) << "the backup runs on the worker";
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.at(1), "create v2");
  EXPECT_EQ(CurrentTarget(), layout_.UpgradeDir("v2"));
  EXPECT_EQ(store_.LoadCurrentVersion()->version, "1.2.0");
  EXPECT_EQ(RecordedStep(), UpgradeStep::kStarting);
  systemd_.Finish();
  EXPECT_EQ(RecordedStep(), UpgradeStep::kHealthCheck);
  scheduler_.Advance(119s);
  EXPECT_FALSE(finished_.has_value());
  scheduler_.Advance(2s);
  ASSERT_TRUE(committed_);
  UpgradePlan plan = *store_.LoadPlan();
  EXPECT_EQ(plan.current.name, "v2");
  EXPECT_TRUE(plan.queued_up.empty());
  UpgradeHistory history = *store_.LoadHistory();
  ASSERT_EQ(history.history.size(), 1u);
  EXPECT_EQ(history.history[0].outcome, UpgradeOutcome::kCompleted);
  EXPECT_FALSE(records_.LoadState()->has_value()) << "upgrade-state.json is gone";
  EXPECT_TRUE(Logged(message_ids::kUpgradeStarted));
  EXPECT_TRUE(Logged(message_ids::kUpgradeSucceeded));
  worker_.RunAll();
  // backups_to_keep (3) counts versions to return to: their backups are
  // named (protected), nothing else is kept.
  EXPECT_EQ(backups_.calls.back(), "prune 0");
}

TEST_F(UpgradeRunnerTest, AUnitThatFailsDuringTheHealthCheckIsRolledBack) {
  UpToHealthCheck();
  scheduler_.Advance(30s);
  systemd_.Change(kUnit, [](UnitState& u) {
    u.active_state = ActiveState::kFailed;
    u.sub_state = "failed";
    u.result = "exit-code";
  });
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  systemd_.Finish();  // stop the new version
  EXPECT_EQ(CurrentTarget(), layout_.GenesisDir()) << "current points back before the restore";
  worker_.RunAll();  // restore
  EXPECT_EQ(backups_.calls.back(), "restore /backups/v2/backup-1-preupgrade");
  systemd_.Finish();  // start the old version
  scheduler_.Advance(10s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_FALSE(committed_);
  UpgradeHistory history = *store_.LoadHistory();
  EXPECT_EQ(history.history.back().outcome, UpgradeOutcome::kRolledBack);
  EXPECT_EQ(history.history.back().reason, "the unit failed (result exit-code)");
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  EXPECT_EQ(store_.LoadCurrentVersion()->name, "genesis");
  EXPECT_TRUE(Logged(message_ids::kUpgradeRolledBack));
}

TEST_F(UpgradeRunnerTest, AFailedStartJobIsRolledBack) {
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  systemd_.Finish("failed");
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_EQ(runner_->state()->failure,
            std::string("the start job of ") + kUnit + " ended with 'failed'");
}

TEST_F(UpgradeRunnerTest, AStartSystemdCouldNotSpawnIsTriedOnceMore) {
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  systemd_.units[kUnit].exec_main_status = 219;  // 219/CGROUP: the node never ran
  systemd_.Finish("failed");
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kStarting);
  EXPECT_EQ(systemd_.calls.back(), std::string("start ") + kUnit);
  systemd_.Finish("failed");  // a second time: a real failure
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
}

TEST_F(UpgradeRunnerTest, AStartThatSucceedsOnTheSecondSpawnGoesOnToTheHealthCheck) {
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  systemd_.units[kUnit].exec_main_status = 219;
  systemd_.Finish("failed");
  systemd_.units[kUnit].exec_main_status = 0;
  systemd_.Finish();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kHealthCheck);
}

TEST_F(UpgradeRunnerTest, JournalsHowLongEachStepTook) {
  ASSERT_TRUE(runner_->Begin(Initial()).ok());
  clock_.Advance(3s);
  worker_.RunAll();  // the pre-copy
  EXPECT_TRUE(Journaled("upgrade step 'pre-copying' done in 3000 ms"));
  clock_.Advance(20ms);
  systemd_.Finish();
  worker_.RunAll();
  EXPECT_TRUE(Journaled("upgrade step 'backing-up' done in 0 ms (the node is down)"));
}

TEST_F(UpgradeRunnerTest, TooManyRestartsFailTheHealthCheck) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.n_restarts = 3; });
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_EQ(runner_->state()->failure, "the unit restarted 3 times (limit 2)");
}

TEST_F(UpgradeRunnerTest, AFailedBackupAbortsAndStartsTheOldVersion) {
  backups_.fail_create = Status::Error("No space left on device");
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kAborting);
  EXPECT_EQ(CurrentTarget(), layout_.GenesisDir());
  EXPECT_EQ(systemd_.calls.back(), std::string("start ") + kUnit);
  systemd_.Finish();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kFailed);
  EXPECT_TRUE(Logged(message_ids::kUpgradeAborted));
  EXPECT_EQ(systemd_.units[kUnit].active_state, ActiveState::kActive);
}

TEST_F(UpgradeRunnerTest, AFailedPreCopyAbortsWithoutEverStoppingTheNode) {
  backups_.fail_pre_copy = Status::Error("No space left on device");
  ASSERT_TRUE(runner_->Begin(Initial()).ok());
  worker_.RunAll();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kAborting);
  systemd_.Finish();  // the start of a running unit: a no-op
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(std::count(systemd_.calls.begin(), systemd_.calls.end(), std::string("stop ") + kUnit),
            0);
  EXPECT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kFailed);
  EXPECT_NE(store_.LoadHistory()->history.back().reason.find("No space left on device"),
            std::string::npos);
  EXPECT_EQ(CurrentTarget(), layout_.GenesisDir());
}

TEST_F(UpgradeRunnerTest, AnAbortBeforeTheSwitchWritesNothingAndStartsTheOldVersion) {
  backups_.fail_create = Status::Error("No space left on device");
  BeginUpgrade(Initial());
  std::filesystem::path version_file = layout_.CurrentVersionFile();
  std::filesystem::remove(version_file);
  std::filesystem::create_directory(version_file);  // any write to it would fail
  systemd_.Finish();
  worker_.RunAll();
  EXPECT_EQ(systemd_.calls.back(), std::string("start ") + kUnit);
}

TEST_F(UpgradeRunnerTest, AnUpgradeOfAStoppedNodeLeavesItStoppedOnAbort) {
  systemd_.units[kUnit].active_state = ActiveState::kInactive;
  backups_.fail_create = Status::Error("No space left on device");
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(std::count(systemd_.calls.begin(), systemd_.calls.end(), std::string("start ") + kUnit),
            0);
}

TEST_F(UpgradeRunnerTest, AManualUpgradeSwitchesAndLeavesTheNodeStopped) {
  UpgradeState s = Initial();
  s.leave_stopped = true;
  BeginUpgrade(s);
  systemd_.Finish();
  worker_.RunAll();
  ASSERT_TRUE(committed_);
  EXPECT_EQ(CurrentTarget(), layout_.UpgradeDir("v2"));
  EXPECT_EQ(std::count(systemd_.calls.begin(), systemd_.calls.end(), std::string("start ") + kUnit),
            0);
  EXPECT_TRUE(Logged(message_ids::kManualStartRequired));
}

TEST_F(UpgradeRunnerTest, SkipBackupMeansNoBackupAndNoRestore) {
  UpgradeState s = Initial();
  s.skip_backup = true;
  BeginUpgrade(s);
  systemd_.Finish();
  systemd_.Finish("failed");
  systemd_.Finish();
  systemd_.Finish();
  scheduler_.Advance(10s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(backups_.calls.empty());
}

TEST_F(UpgradeRunnerTest, AnAgentThatDiesDuringTheBackupResumesIt) {
  BeginUpgrade(Initial());
  systemd_.Finish();
  ASSERT_EQ(worker_.queued(), 1u);
  // The agent is killed: the queued backup never completes.
  testing::ManualWorker fresh_worker;
  std::swap(worker_, fresh_worker);
  MakeRunner();
  std::optional<UpgradeState> saved = *records_.LoadState();
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->step, UpgradeStep::kBackingUp);
  runner_->Resume(*saved);
  EXPECT_EQ(runner_->state()->attempts, 2u);
  EXPECT_EQ(RecordedStep(), UpgradeStep::kStopping)
      << "systemd may have restarted the node meanwhile: stop it again";
  systemd_.Finish();  // stop
  worker_.RunAll();   // backup
  systemd_.Finish();  // start
  scheduler_.Advance(121s);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeRunnerTest, AResumedUpgradeKeepsACompletedBackup) {
  BeginUpgrade(Initial());
  systemd_.Finish();
  worker_.RunAll();
  ASSERT_EQ(RecordedStep(), UpgradeStep::kStarting);
  std::optional<UpgradeState> saved = *records_.LoadState();
  systemd_.Finish();  // the dead agent's start job still completes; nobody listens
  MakeRunner();
  runner_->Resume(*saved);
  systemd_.Finish();  // stop again
  worker_.RunAll();   // switched: only the new version changed the data since
  EXPECT_EQ(RecordedStep(), UpgradeStep::kStarting) << "no second backup";
  EXPECT_EQ(backups_.calls, (std::vector<std::string>{"pre-copy v2", "create v2"}))
      << "the new version's writes must not replace the backup from before it";
}

TEST_F(UpgradeRunnerTest, AnAgentThatDiesDuringTheHealthCheckKeepsItsClock) {
  UpToHealthCheck();
  scheduler_.Advance(100s);
  std::optional<UpgradeState> saved = *records_.LoadState();
  MakeRunner();
  runner_->Resume(*saved);
  scheduler_.Advance(19s);
  EXPECT_FALSE(finished_.has_value());
  scheduler_.Advance(2s);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeRunnerTest, TimeNoAgentWatchedIsNotCountedAsHealthy) {
  UpToHealthCheck();
  scheduler_.Advance(30s);
  std::optional<UpgradeState> saved = *records_.LoadState();
  EXPECT_EQ(saved->health_seen, 30s);
  clock_.Advance(
      200s);  // no agent (or no machine, same boot id unknown) for longer than the period
  MakeRunner();
  runner_->Resume(*saved);
  scheduler_.Advance(89s);
  EXPECT_FALSE(finished_.has_value()) << "only the 30 s seen count";
  scheduler_.Advance(2s);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeRunnerTest, AHealthCheckBegunBeforeAPowerCutStartsOver) {
  boot_id_ = "boot-1";
  UpToHealthCheck();
  scheduler_.Advance(30s);
  std::optional<UpgradeState> saved = *records_.LoadState();
  EXPECT_EQ(saved->health_boot_id, "boot-1");
  clock_.Advance(40s);  // the machine is off for 40 s, then boots again
  boot_id_ = "boot-2";
  MakeRunner();
  runner_->Resume(*saved);
  scheduler_.Advance(100s);
  EXPECT_FALSE(finished_.has_value())
      << "not proven by time the machine was off: " << (finished_ ? finished_->failure : "")
      << committed_;
  scheduler_.Advance(21s);
  EXPECT_TRUE(committed_) << "a full period after the boot";
}

TEST_F(UpgradeRunnerTest, RepeatedAgentDeathsGiveTheUpgradeUp) {
  UpgradeState s = Initial();
  s.step = UpgradeStep::kStarting;
  s.switched = true;
  s.attempts = 3;
  runner_->Resume(s);
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_NE(runner_->state()->failure.find("stopped 3 times"), std::string::npos);
  systemd_.Finish();  // the rollback's stop
  worker_.RunAll();   // restore (no backup was taken: nothing to copy)
  systemd_.Finish();  // start the old version
  scheduler_.Advance(11s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kRolledBack)
      << "a switched upgrade that is given up is recorded as rolled back, not aborted";
  EXPECT_TRUE(Logged(message_ids::kUpgradeRolledBack));
}

TEST_F(UpgradeRunnerTest, ARollbackThatCannotStartTheOldVersionSaysTheNodeIsDown) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();
  worker_.RunAll();
  systemd_.Finish("failed");
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(Logged(message_ids::kRollbackFailed));
}

TEST_F(UpgradeRunnerTest, NothingIsRestoredWhileTheNewVersionStillRuns) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.n_restarts = 3; });  // unhealthy, still active
  ASSERT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  systemd_.Finish("canceled");  // say, an operator's start replaced our stop job
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStopping);
  EXPECT_TRUE(backups_.calls.empty() || backups_.calls.back().rfind("restore", 0) != 0);
  scheduler_.Advance(10s);  // the stop is tried again
  systemd_.Finish();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRestoring);
}

TEST_F(UpgradeRunnerTest, AFailedRestoreIsRetriedAndTheOldVersionStartsOnlyAfterIt) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();  // stop
  backups_.fail_restore = Status::Error("No space left on device");
  worker_.RunAll();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRestoring);
  EXPECT_NE(systemd_.calls.back(), std::string("start ") + kUnit) << "not on a half-restored tree";
  backups_.fail_restore = Status();
  scheduler_.Advance(10s);
  worker_.RunAll();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStarting);
  systemd_.Finish();
  scheduler_.Advance(10s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(Logged(message_ids::kUpgradeRolledBack)) << "rolled back, not 'rollback failed'";
}

TEST_F(UpgradeRunnerTest, ABackupRefusedAtOnceStartsTheOldVersionOnTheDataAsItIs) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();  // stop
  backups_.fail_restore = Status::Unusable("the backup is unusable: v2 is a symlink");
  worker_.RunAll();
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kRollbackStarting) << "nothing was restored";
  EXPECT_EQ(systemd_.calls.back(), std::string("start ") + kUnit);
  systemd_.Finish();
  scheduler_.Advance(10s);
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(Logged(message_ids::kUpgradeRolledBack));
  EXPECT_FALSE(Logged(message_ids::kRollbackFailed));
  EXPECT_NE(finished_->failure.find("the data was not restored: the backup is unusable"),
            std::string::npos)
      << finished_->failure;
}

TEST_F(UpgradeRunnerTest, ABackupThatVanishesAfterAFailedRestoreLeavesTheNodeDown) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();  // stop
  backups_.fail_restore = Status::Error("No space left on device");
  worker_.RunAll();  // may have restored part of it
  backups_.fail_restore = Status::Unusable("the backup is not a complete backup");
  scheduler_.Advance(10s);
  worker_.RunAll();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_TRUE(Logged(message_ids::kRollbackFailed)) << "never started on a half-restored tree";
  EXPECT_NE(systemd_.calls.back(), std::string("start ") + kUnit);
}

TEST_F(UpgradeRunnerTest, ANodeLeftDownIsRecordedBeforeTheUpgradeStateIsCleared) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();  // stop
  backups_.fail_restore = Status::Error("No space left on device");
  worker_.RunAll();  // may have restored part of it
  backups_.fail_restore = Status::Unusable("the backup is not a complete backup");
  scheduler_.Advance(10s);
  EXPECT_TRUE(store_.LoadNodeDown().status().IsNotFound()) << "not before the restore fails";
  worker_.RunAll();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_FALSE(records_.LoadState()->has_value()) << "upgrade-state.json is cleared";
  Result<NodeDownRecord> record = store_.LoadNodeDown();
  ASSERT_TRUE(record.ok()) << "so a later start still knows: " << record.status().message();
  EXPECT_EQ(record->upgrade, "v2");
  EXPECT_EQ(record->from_version, "1.1.0");
  EXPECT_EQ(record->to_version, "1.2.0");
  EXPECT_EQ(record->backup, finished_->backup_path);
  EXPECT_FALSE(record->reason.empty());
}

TEST_F(UpgradeRunnerTest, AResumedRecordingOfANodeLeftDownWritesTheRecordFirst) {
  UpgradeState s = Initial();
  s.step = UpgradeStep::kRecordingFailure;
  s.switched = s.rolled_back = s.node_down = true;
  s.failure = "the backup is not a complete backup";
  ASSERT_TRUE(records_.SaveState(s).ok());
  runner_->Resume(s);  // the agent died after entering recording-failure
  ASSERT_TRUE(finished_.has_value());
  Result<NodeDownRecord> record = store_.LoadNodeDown();
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->reason, s.failure);
}

TEST_F(UpgradeRunnerTest, AResumedRestoreStopsTheNodeFirst) {
  UpToHealthCheck();
  systemd_.Change(kUnit, [](UnitState& u) { u.active_state = ActiveState::kFailed; });
  systemd_.Finish();  // stop
  backups_.fail_restore = Status::Error("No space left on device");
  worker_.RunAll();  // half restored; a retry is due
  ASSERT_EQ(RecordedStep(), UpgradeStep::kRestoring);
  backups_.fail_restore = Status();
  // A power cut: at boot the enabled unit starts the old version.
  systemd_.units[kUnit].active_state = ActiveState::kActive;
  size_t restores = backups_.calls.size();
  int stops = Calls(std::string("stop ") + kUnit);
  MakeRunner();
  runner_->Resume(**records_.LoadState());
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), stops + 1) << "the node is stopped again";
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.size(), restores) << "nothing restored under the running node";
  systemd_.Finish();  // stopped
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.size(), restores + 1);
  EXPECT_EQ(RecordedStep(), UpgradeStep::kRollbackStarting);
  EXPECT_EQ(runner_->state()->restore_attempts, 2u) << "a later attempt: never 'refused'";
}

TEST_F(UpgradeRunnerTest, AnAbortWhoseSwitchBackFailsIsRetriedUntilTheOldVersionIsCurrent) {
  BeginUpgrade(Initial());
  systemd_.Finish();  // stop
  int link_writes = 0;
  files_.fail_write = [this, &link_writes](const std::filesystem::path& p) {
    if (p == layout_.CurrentLink()) return ++link_writes > 1;  // the swap's own succeeds
    return p == layout_.CurrentVersionFile();
  };
  worker_.RunAll();  // backup, then a swap that fails half way: `current` names v2
  ASSERT_EQ(RecordedStep(), UpgradeStep::kAborting);
  EXPECT_FALSE(finished_.has_value()) << "not recorded as failed with v2 current";
  EXPECT_EQ(CurrentTarget(), layout_.UpgradeDir("v2"));
  EXPECT_EQ(Calls(std::string("start ") + kUnit), 0) << "v2 never starts unchecked";
  files_.fail_write = nullptr;
  scheduler_.Advance(10s);
  EXPECT_EQ(CurrentTarget(), layout_.GenesisDir());
  EXPECT_EQ(store_.LoadCurrentVersion()->version, "1.1.0");
  EXPECT_EQ(systemd_.calls.back(), std::string("start ") + kUnit);
  systemd_.Finish();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(store_.LoadHistory()->history.back().outcome, UpgradeOutcome::kFailed);
  EXPECT_FALSE(Logged(message_ids::kRollbackFailed));
}

TEST_F(UpgradeRunnerTest, AUnitChangeBeforeTheHealthCheckBeginsIsNotJudged) {
  step_delays_[UpgradeStep::kHealthCheck] = 30s;
  MakeRunner();
  UpToHealthCheck();  // recorded, held by the delay
  systemd_.Change(kUnit, [](UnitState& u) { u.sub_state = "running"; });
  EXPECT_FALSE(finished_.has_value()) << "judged before its period began";
  scheduler_.Advance(30s);  // the check begins
  scheduler_.Advance(119s);
  EXPECT_FALSE(finished_.has_value());
  scheduler_.Advance(2s);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeRunnerTest, AStepRunsOnlyOnceItIsRecorded) {
  BeginUpgrade(Initial());
  std::filesystem::path state = layout_.data_dir / "upgrade-state.json";
  std::filesystem::remove(state);
  std::filesystem::create_directory(state);  // the next write fails
  systemd_.Finish();                         // stop done: enter backing-up
  EXPECT_EQ(backups_.calls.size(), 1u) << "no backup before the step is recorded";
  std::filesystem::remove(state);
  scheduler_.Advance(10s);
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.size(), 2u);
  EXPECT_EQ(RecordedStep(), UpgradeStep::kStarting) << "backed up, swapped, starting";
}

TEST_F(UpgradeRunnerTest, ALostJobTimesOut) {
  BeginUpgrade(Initial());
  scheduler_.Advance(10min);
  EXPECT_EQ(runner_->state()->step, UpgradeStep::kAborting);
  EXPECT_NE(runner_->state()->failure.find("did not finish the stop job"), std::string::npos);
}

TEST_F(UpgradeRunnerTest, HurryingLetsAShortHealthCheckReachItsVerdict) {
  UpToHealthCheck();  // 120 s period, within the 5 min stop budget
  scheduler_.Advance(5s);
  runner_->Hurry();
  EXPECT_FALSE(finished_.has_value()) << "not committed before it is proven";
  scheduler_.Advance(115s);
  EXPECT_TRUE(committed_);
}

TEST_F(UpgradeRunnerTest, HurryingJudgesALongHealthCheckNow) {
  stop_budget_ = 10s;
  MakeRunner();
  UpToHealthCheck();
  scheduler_.Advance(5s);
  runner_->Hurry();
  EXPECT_TRUE(committed_) << "healthy so far, and 115 s is more than the stop budget";
}

TEST_F(UpgradeRunnerTest, TestHookDelaysAStepAfterRecordingIt) {
  step_delays_ = *ParseStepDelays("backing-up=5s");
  MakeRunner();
  BeginUpgrade(Initial());
  systemd_.Finish();
  EXPECT_EQ(RecordedStep(), UpgradeStep::kBackingUp);
  EXPECT_EQ(worker_.queued(), 0u) << "the backup waits for the delay";
  scheduler_.Advance(5s);
  EXPECT_EQ(worker_.queued(), 1u);
}

// The e2e suite holds the agent at the first step too, to cut the power
// there while the node still runs.
TEST_F(UpgradeRunnerTest, TestHookDelaysTheFirstStepToo) {
  step_delays_ = *ParseStepDelays("pre-copying=5s");
  MakeRunner();
  ASSERT_TRUE(runner_->Begin(Initial()).ok());
  EXPECT_EQ(RecordedStep(), UpgradeStep::kPreCopying);
  EXPECT_EQ(worker_.queued(), 0u) << "the pre-copy waits for the delay";
  scheduler_.Advance(5s);
  EXPECT_EQ(worker_.queued(), 1u);
}

TEST_F(UpgradeRunnerTest, ReportsEachStepAndTheHealthCheckProgress) {
  UpToHealthCheck();
  scheduler_.Advance(20s);
  EXPECT_EQ(statuses_.front(), "upgrading 1.1.0 -> 1.2.0: copying the data ahead of the stop");
  EXPECT_EQ(statuses_.at(1), "upgrading 1.1.0 -> 1.2.0: stopping the node");
  EXPECT_EQ(statuses_.back(), "health check 20/120 s of 1.2.0");
}

}  // namespace
}  // namespace nymvisor
