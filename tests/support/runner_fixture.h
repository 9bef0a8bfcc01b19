#ifndef NYMVISOR_TESTS_SUPPORT_RUNNER_FIXTURE_H_
#define NYMVISOR_TESTS_SUPPORT_RUNNER_FIXTURE_H_

#include <optional>
#include <string>
#include <vector>

#include "agent/decide/status_snapshot.h"
#include "agent/shell/upgrade_runner.h"
#include "tests/support/builders.h"
#include "tests/support/shell_fixture.h"

namespace nymvisor::testing {

using namespace std::chrono_literals;

/// A runner for upgrade v2 (1.2.0) of genesis (1.1.0) on the shell fixture,
/// with a 120 s health check that tolerates 2 restarts. Main thread only.
class RunnerFixture : public ShellFixture {
 protected:
  RunnerFixture() : RunnerFixture(std::filesystem::temp_directory_path()) {}
  /// With the home made under `base`.
  explicit RunnerFixture(const std::filesystem::path& base) : ShellFixture(base) {
    std::filesystem::create_directories(layout_.UpgradeDir("v2") / "bin");
    target_ = Upgrade("v2", "1.2.0", clock_.Now());
    EXPECT_TRUE(store_.SavePlan({genesis_, {target_}}).ok());
    systemd_.SetEvents(
        {[this](const std::string& job, const std::string& unit) { runner_->OnJobNew(job, unit); },
         [this](const std::string& job, const std::string&, const std::string& r) {
           runner_->OnJobRemoved(job, r);
         },
         [this](const std::string& unit, const UnitState& s) { runner_->OnUnitChanged(unit, s); }});
    MakeRunner();
  }

  void MakeRunner() {
    RunnerSettings settings{.unit = kUnit,
                            .health = health_,
                            .stop_budget = stop_budget_,
                            .health_url = health_url_,
                            .build_info_url = build_info_url_,
                            .hooks = {.step_delays = step_delays_}};
    RunnerDeps deps{.systemd = systemd_,
                    .backups = backups_,
                    .records = records_,
                    .clock = clock_,
                    .scheduler = scheduler_,
                    .worker = BackupLane(worker_),
                    .log = log_,
                    .changed = [this] { statuses_.push_back(StatusLine()); },
                    .boot_id = [this] { return boot_id_; },
                    .http = &http_};
    runner_.emplace(deps, settings, [this](const UpgradeState& s, bool committed) {
      finished_ = s;
      committed_ = committed;
    });
  }

  /// What the agent would show for the runner's state.
  std::string StatusLine() {
    StatusSnapshot s;
    if (runner_->state()) {
      s.step = runner_->state()->step;
      s.upgrade_from = runner_->state()->from_version;
      s.upgrade_to = runner_->state()->target.version;
    }
    if (auto health = runner_->health_progress()) {
      s.health_elapsed = health->elapsed;
      s.health_period = health->period;
    }
    return FormatStatusLine(s);
  }

  UpgradeState Initial() {
    UpgradeState s;
    s.target = target_;
    s.target_build = NodeBuildInfo("1.2.0");
    s.from_name = "genesis";
    s.from_version = "1.1.0";
    s.from_build = NodeBuildInfo("1.1.0");
    s.started_at = clock_.Now();
    return s;
  }

  /// Begins an upgrade and runs its pre-copy (on the worker), up to the stop.
  void BeginUpgrade(UpgradeState s) {
    ASSERT_TRUE(runner_->Begin(std::move(s)).ok());
    if (runner_->state()->step != UpgradeStep::kPreCopying) return;
    worker_.RunAll();
    ASSERT_EQ(runner_->state()->step, UpgradeStep::kStopping);
  }

  /// Drives an upgrade up to the health check.
  void UpToHealthCheck() {
    BeginUpgrade(Initial());
    systemd_.Finish();  // stop
    worker_.RunAll();   // backup
    systemd_.Finish();  // start
    ASSERT_EQ(runner_->state()->step, UpgradeStep::kHealthCheck);
  }

  UpgradeStep RecordedStep() { return (*records_.LoadState())->step; }
  std::optional<UpgradeRunner> runner_;
  UpgradeInfo target_;
  std::vector<std::string> statuses_;
  std::string boot_id_;  ///< what RunnerDeps::boot_id answers
  std::optional<UpgradeState> finished_;
  bool committed_ = false;
  StepDelays step_delays_;
  Duration stop_budget_ = std::chrono::minutes(5);
  HealthPolicy health_{std::chrono::seconds(120), 2};  ///< set, then MakeRunner()
  std::string health_url_;      ///< the node's API the runner asks; set, then MakeRunner()
  std::string build_info_url_;  ///< likewise
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_RUNNER_FIXTURE_H_
