#ifndef NYMVISOR_AGENT_CLI_CONTROL_CLI_H_
#define NYMVISOR_AGENT_CLI_CONTROL_CLI_H_

#include <map>
#include <optional>
#include <string>

#include "agent/cli/cli_support.h"
#include "agent/cli/status_command.h"
#include "agent/ports/control_client.h"

namespace nymvisor {

/// The operator's commands for a running agent, over its control API:
/// `status`, `history`, `check`, `apply-now`, `hold`, `resume`, `skip NAME`,
/// `rollback [--to NAME | --list]` and `release-node [--start]`, each with --id (NYMVISOR_ID
/// otherwise); the mutating ones take --wait to follow the work to its end (progress on a terminal,
/// the result as the exit status). `status` and `history` also work without an agent, from the
/// files, and say so. Main thread only.
class ControlCli {
 public:
  ControlCli(CLI::App* parent, Invocation* inv);
  bool selected() const;
  /// Runs the selected command; sets the exit code of a --wait that failed.
  Status Run(int* exit_code);

 private:
  CLI::App* Add(const std::string& name, const std::string& help, bool mutating);
  Result<StatusSnapshot> AskAgent(const std::string& id);
  Status RunStatus(const Config& config);
  Status PrintStatus(const StatusSnapshot& status, StatusSource source);
  Status RunHistory(const Config& config);
  Status RunMutating(const std::string& command, ControlClient& client, int* exit_code);
  /// Follows an upgrade or rollback until UpgradeFinished for `upgrade`.
  Status WaitForUpgrade(ControlClient& client, const std::string& upgrade, bool rollback,
                        int* exit_code);
  /// After apply-now: while the agent runs pre_upgrade_command first
  /// (status waits for "hook"), waits for its answer; a refusal or a 75
  /// is printed, sets exit status 1 and clears `started`.
  Status WaitForPreHook(ControlClient& client, const std::string& upgrade, bool* started,
                        int* exit_code);
  Status WaitForCheck(ControlClient& client, std::optional<Timestamp> before, int* exit_code);
  /// The agent's client; NotFound when no agent runs (not yet explained).
  Result<std::unique_ptr<ControlClient>> ConnectRaw(const std::string& id);
  /// hold, resume and release-node also work with no agent running: they
  /// change the hold file or node-left-down.json, which the agent reads when
  /// it starts.
  bool WorksOffline() const;
  Status RunOffline(const Config& config);
  Status RunSelectedMutating(ControlClient& client, const std::string& id, int* exit_code);
  void ShowProgress(const StatusSnapshot& status);

  Invocation* inv_;
  CLI::App* parent_;
  std::map<std::string, CLI::App*> commands_;
  bool wait_ = false;
  bool start_ = false;       ///< release-node --start
  bool list_ = false;        ///< rollback --list
  std::string rollback_to_;  ///< rollback --to
  std::string timeout_text_ = "30m";
  std::string reason_;
  std::string upgrade_;
  std::string last_progress_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_CONTROL_CLI_H_
