// The runner's use of the backup store: a reused backup is checked first, a
// failed prune is journaled, an aborted upgrade's pre-copy is discarded and
// what the store noticed reaches the journal (issue 21, cases 6, 7, 8, 10).
#include <gtest/gtest.h>

#include <algorithm>

#include "agent/shell/upgrade_runner.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

using UpgradeBackupsTest = testing::RunnerFixture;

/// Runs an upgrade up to its start, then lets the agent die and resumes it
/// in a fresh runner: the resumed upgrade stops the node and backs up again.
class ResumedUpgradeTest : public UpgradeBackupsTest {
 protected:
  void ResumeAfterTheBackup() {
    BeginUpgrade(Initial());
    systemd_.Finish();  // stop
    worker_.RunAll();   // backup
    ASSERT_EQ(RecordedStep(), UpgradeStep::kStarting);
    std::optional<UpgradeState> saved = *records_.LoadState();
    systemd_.Finish();  // the dead agent's start job; nobody listens
    // As recorded on entering swapping, before `current` moved: the agent
    // died there, and the old node may have run on since.
    saved->step = UpgradeStep::kSwapping;
    saved->switched = false;
    ASSERT_TRUE(
        records_.SwitchCurrent("genesis", "1.1.0", testing::NodeBuildInfo("1.1.0"), clock_.Now())
            .ok());
    MakeRunner();
    runner_->Resume(*saved);
    systemd_.Finish();  // stop again
    ASSERT_EQ(RecordedStep(), UpgradeStep::kBackingUp);
    worker_.RunAll();
    ASSERT_EQ(RecordedStep(), UpgradeStep::kStarting);
  }
};

TEST_F(ResumedUpgradeTest, KeepsABackupTheDataStillEquals) {
  backups_.home_matches = true;
  ResumeAfterTheBackup();
  EXPECT_EQ(backups_.calls,
            (std::vector<std::string>{"pre-copy v2", "create v2",
                                      "home-matches /backups/v2/backup-1-preupgrade"}));
}

TEST_F(ResumedUpgradeTest, TakesANewBackupWhenTheNodeRanSince) {
  // A crash between recording a step and switching `current` lets the old
  // node run again (at boot): the backup then lacks what it wrote.
  backups_.home_matches = false;
  ResumeAfterTheBackup();
  EXPECT_EQ(std::count(backups_.calls.begin(), backups_.calls.end(), "create v2"), 2);
  EXPECT_TRUE(Journaled("the data changed since backup /backups/v2/backup-1-preupgrade"));
}

TEST_F(UpgradeBackupsTest, AFailedPruneIsJournaledWithWhatToDo) {
  backups_.fail_prune = Status::Error("renaming /backups/v1/backup-0-preupgrade: Read-only");
  UpToHealthCheck();
  scheduler_.Advance(121s);
  ASSERT_TRUE(committed_);
  worker_.RunAll();
  // backups_to_keep (3) counts versions to return to: their backups are
  // named (protected), nothing else is kept.
  EXPECT_EQ(backups_.calls.back(), "prune 0");
  EXPECT_TRUE(Journaled("removing old backups failed: renaming /backups/v1/backup-0-preupgrade"));
  EXPECT_TRUE(Journaled("remove the oldest backup directories by hand"));
}

TEST_F(UpgradeBackupsTest, AnAbortedUpgradeDiscardsItsPreCopy) {
  backups_.fail_create = Status::Error("No space left on device");
  BeginUpgrade(Initial());
  systemd_.Finish();  // stop
  worker_.RunAll();   // the failed backup
  systemd_.Finish();  // start the old version
  ASSERT_TRUE(finished_.has_value());
  worker_.RunAll();
  EXPECT_EQ(backups_.calls.back(), "discard-pre-copy");
}

TEST_F(UpgradeBackupsTest, WhatTheBackupNoticedIsJournaledOnce) {
  backups_.notes = {"/home/nym/data is a symlink to a directory: the backup keeps only the link"};
  UpToHealthCheck();
  EXPECT_TRUE(Journaled("/home/nym/data is a symlink to a directory"));
  EXPECT_TRUE(backups_.notes.empty());
}

}  // namespace
}  // namespace nymvisor
