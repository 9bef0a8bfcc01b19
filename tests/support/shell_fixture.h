#ifndef NYMVISOR_TESTS_SUPPORT_SHELL_FIXTURE_H_
#define NYMVISOR_TESTS_SUPPORT_SHELL_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "agent/config/config.h"
#include "agent/shell/logger.h"
#include "agent/shell/record_store.h"
#include "agent/shell/upgrade_records.h"
#include "tests/support/agent_fakes.h"

namespace nymvisor::testing {

/// The world the shell's classes run in for their tests: an instance
/// "mixnode" of nym-node whose home is a fresh temporary directory (real
/// files), with genesis 1.1.0 installed and current, and fakes for every
/// other effect. Tests add what they drive: a runner, a poller, an agent.
/// Main thread only, like the shell.
class ShellFixture : public ::testing::Test {
 protected:
  static constexpr char kUnit[] = "nymvisor-daemon@mixnode.service";

  ShellFixture() : ShellFixture(std::filesystem::temp_directory_path()) {}
  /// With the home made under `base`.
  explicit ShellFixture(const std::filesystem::path& base);

  /// How many journal entries carry `message_id`.
  int Count(std::string_view message_id) const;
  bool Logged(std::string_view message_id) const { return Count(message_id) > 0; }
  /// Whether a journal entry's message contains `text`.
  bool Journaled(std::string_view text) const;
  /// How many times the fake systemd saw `call` ("stop <unit>", ...).
  int Calls(const std::string& call) const;
  /// Where `current` points.
  std::string CurrentTarget() const;

  TempDir dir_;
  FaultyFileSystem files_;  ///< the real one, unless a test injects faults
  FakeClock clock_;
  FakeScheduler scheduler_;
  FakeSystemdManager systemd_;
  FakeHttpClient http_;
  FakeProcessRunner probes_;  ///< answers the build-info of staged binaries
  FakeBackupStore backups_;
  ManualWorker worker_;
  RecordingJournal journal_;
  Logger log_;
  Config config_;
  Layout layout_;
  RecordStore store_;  ///< direct access to the files, for setting up and checking
  UpgradeRecords records_;
  UpgradeInfo genesis_;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_SHELL_FIXTURE_H_
