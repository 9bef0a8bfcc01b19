#ifndef NYMVISOR_TESTS_SUPPORT_AGENT_FIXTURE_H_
#define NYMVISOR_TESTS_SUPPORT_AGENT_FIXTURE_H_

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agent/adapters/host_platform.h"
#include "agent/adapters/minisign_verifier.h"
#include "agent/adapters/openssl_hasher.h"
#include "agent/ports/control_publisher.h"
#include "agent/ports/notifier.h"
#include "agent/shell/agent.h"
#include "tests/support/builders.h"
#include "tests/support/shell_fixture.h"

namespace nymvisor::testing {

using namespace std::chrono_literals;

inline constexpr char kInfoUrl[] = "https://upstream.example/nym-node/upgrade-info.json";
inline constexpr char kBinUrl[] = "https://upstream.example/v2/nym-node";

/// Keeps every sd_notify message.
class RecordingNotifier : public Notifier {
 public:
  void Ready(const std::string& s) override { events.push_back("READY " + s); }
  void Status(const std::string& s) override { events.push_back("STATUS " + s); }
  void Stopping(const std::string& s) override { events.push_back("STOPPING " + s); }
  std::vector<std::string> events;
};

/// Keeps what the agent publishes for the control API.
class RecordingPublisher : public ControlPublisher {
 public:
  void Publish(const StatusSnapshot& status) override { last = status; }
  void UpgradeStarted(const std::string& upgrade, const std::string& from,
                      const std::string& to) override {
    signals.push_back("started " + upgrade + " " + from + " " + to);
  }
  void UpgradeFinished(const std::string& upgrade, const std::string& version,
                       const std::string& result, const std::string&) override {
    signals.push_back("finished " + upgrade + " " + version + " " + result);
  }
  std::optional<StatusSnapshot> last;
  std::vector<std::string> signals;
};

/// An agent for "mixnode" on the shell fixture, polling kInfoUrl, whose
/// upgrade v2 (1.2.0) a test publishes with Publish(). Main thread only.
class AgentFixture : public ShellFixture {
 protected:
  AgentFixture() {
    config_.nymvisor.upstream_source = "upgrade-info";  // as a file naming the URL resolves
    config_.daemon.absolute_upstream_upgrade_url = kInfoUrl;
    config_.daemon.health_check_period = 30s;
    worker_.inline_jobs = true;
    fetch_worker_.inline_jobs = true;
    binary_ = std::string(10'000, 'n');
    probes_.SetBuildInfo(layout_.UpgradeBinary("v2").string(), NodeBuildInfo("1.2.0"));
    http_.resources[kBinUrl].body = binary_;
  }

  void Publish(Duration in, const std::string& checksum = "") {
    UpgradeInfo info = Upgrade("v2", "1.2.0", clock_.Now() + in);
    OpenSslHasher h(ChecksumAlgorithm::kSha256);
    h.Update(binary_);
    info.platforms[HostPlatform()] = {checksum.empty() ? h.FinalHex() : checksum,
                                      ChecksumAlgorithm::kSha256, kBinUrl};
    http_.resources[kInfoUrl].body = DumpJsonPretty(UpgradeInfoToJson(info));
    http_.resources[kInfoUrl].status = 200;
  }

  /// Publishes upgrade `name` (`version`) due `in` from now, whose binary is
  /// `binary` at its own URL; the probe answers `version` for it.
  void PublishAs(const std::string& name, const std::string& version, const std::string& binary,
                 Duration in = -1h) {
    std::string url = "https://upstream.example/" + name + "/nym-node";
    http_.resources[url].body = binary;
    probes_.SetBuildInfo(layout_.UpgradeBinary(name).string(), NodeBuildInfo(version));
    UpgradeInfo info = Upgrade(name, version, clock_.Now() + in);
    OpenSslHasher h(ChecksumAlgorithm::kSha256);
    h.Update(binary);
    info.platforms[HostPlatform()] = {h.FinalHex(), ChecksumAlgorithm::kSha256, url};
    http_.resources[kInfoUrl].body = DumpJsonPretty(UpgradeInfoToJson(info));
    http_.resources[kInfoUrl].status = 200;
  }

  void StartAgent() {
    agent_.emplace(config_,
                   AgentDeps{.systemd = systemd_,
                             .http = http_,
                             .files = files_,
                             .probes = probes_,
                             .backups = backups_,
                             .clock = clock_,
                             .scheduler = scheduler_,
                             .worker = BackupLane(worker_),
                             .fetch_worker = FetchLane(fetch_worker_),
                             .notifier = notifier_,
                             .log = log_,
                             .jitter = [](Duration) { return Duration::zero(); },
                             .make_hasher = MakeOpenSslHasher,
                             .platform = HostPlatform(),
                             .control = &publisher_,
                             .load_config = [this]() -> Result<Config> { return reloaded_config_; },
                             .make_verifier = [](const std::vector<std::string>& keys)
                                 -> Result<std::shared_ptr<SignatureVerifier>> {
                               NV_ASSIGN_OR_RETURN(auto made, MinisignVerifier::Create(keys));
                               return std::shared_ptr<SignatureVerifier>(std::move(made));
                             },
                             .github_token = github_token_,
                             .host = host_,
                             .zones = zones_,
                             .machine_id = machine_id_,
                             .fleet = fleet_});
    ASSERT_TRUE(agent_->Start().ok());
  }

  ManualWorker fetch_worker_;  ///< polls and downloads (worker_: backups)
  RecordingNotifier notifier_;
  RecordingPublisher publisher_;
  Config reloaded_config_;  ///< what a Reload reads
  std::string github_token_;
  HostFacts* host_ =
      nullptr;  ///< preflight off unless a test sets it  ///< what the unit's credential would hold
  std::string binary_;
  TimeZones* zones_ = nullptr;  ///< null: windows in UTC
  std::string machine_id_;
  FleetCoordinator* fleet_ = nullptr;  ///< the fleet, when a test makes one
  std::optional<Agent> agent_;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_AGENT_FIXTURE_H_
