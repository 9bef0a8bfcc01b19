#ifndef NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_
#define NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/shell/upgrade_runner.h"
#include "tests/support/fake_host.h"
#include "tests/support/runner_fixture.h"

namespace nymvisor::testing {

/// Thrown by a test's crash hooks where the real agent would die (SIGKILL or
/// a power cut); the world catches it and starts a new agent.
struct AgentDied {};

/// How an upgrade of genesis (1.1.0) to v2 (1.2.0) goes when nothing dies.
struct UpgradePath {
  const char* name;
  bool unhealthy = false;     ///< 1.2.0 fails every health check: the rollback path
  bool backup_fails = false;  ///< every backup fails (a full disk): the abort path
};

/// One upgrade on a FakeHost, driven to its end through agent deaths and
/// power cuts, then checked against the promises of the rollback path. Not
/// registered as a test itself: the crash matrix and the property test make
/// one per run. Main thread only.
class UpgradeWorld : public RunnerFixture {
 public:
  explicit UpgradeWorld(UpgradePath path);
  void TestBody() override {}

  /// A new agent process: a runner whose hooks crash at `crash_at` (on its
  /// first run of the upgrade), which resumes the recorded upgrade if
  /// `resume`.
  void NewAgent(std::optional<CrashPoint> crash_at, bool resume);
  /// Begins the upgrade in the first agent.
  void Begin();
  /// One thing happens: a job ends, the worker runs, or 10 s pass; a health
  /// check on an unhealthy path sees the node fail.
  void Step();
  /// The agent dies; with `power` the machine loses power and boots too.
  /// Then a new agent resumes from the records.
  void Die(bool power);
  /// Runs Step() until the upgrade ends, recovering from every AgentDied.
  void DriveToTheEnd(bool power);
  /// Every promise, checked with EXPECTs; then a last power cut and boot.
  void CheckPromises();

  std::string CurrentVersion() const;
  // What the tests that drive a world read and set.
  using RunnerFixture::committed_;
  using RunnerFixture::finished_;
  using ShellFixture::systemd_;
  using ShellFixture::worker_;

  UpgradePath path_;
  FakeHost host_;
  std::set<UpgradeStep> visited_;  ///< every step a runner ran
  bool died_ = false;              ///< an AgentDied was thrown
  size_t starts_when_finished_ = 0;
  int boots_ = 1;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_UPGRADE_WORLD_H_
