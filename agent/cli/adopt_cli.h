#ifndef NYMVISOR_AGENT_CLI_ADOPT_CLI_H_
#define NYMVISOR_AGENT_CLI_ADOPT_CLI_H_

#include <string>
#include <vector>

#include "agent/cli/adopt_plan.h"
#include "agent/cli/cli_support.h"

namespace nymvisor {

/// `nymvisor adopt`: puts an existing setup under nymvisor's units without
/// downloading or moving anything. Either the original nymvisor's instance
/// (its config.toml, its data directory with its history and queue: the
/// config written here points at that directory), or a node with a unit of
/// its own (--daemon-unit, as Nym's Ansible playbook installs it: the unit's
/// binary becomes the genesis version, its arguments daemon.args). Both are
/// carried out by `init` with the values found, and recorded in
/// /etc/nymvisor/<id>.adopted so that `--undo` can take them back. Main
/// thread only.
class AdoptCli {
 public:
  AdoptCli(CLI::App* parent, Invocation* inv);
  bool selected() const { return app_->parsed(); }
  Status Run();

 private:
  Status AdoptOriginal();
  Status AdoptUnit();
  Status Undo();
  /// Runs init with `config` and `binary`, then records the adoption.
  Status InitAndRecord(const Config& config, const std::string& binary, AdoptRecord record);
  Result<std::filesystem::path> FindOriginalConfig() const;
  Result<LoadedConfig> ReadOriginalConfig(const std::filesystem::path& path) const;
  /// Without --id, an original's id outside our id rule ("mixnode@fra1") is
  /// refused with the command that takes it over under a valid one.
  Status CheckOriginalId(const std::filesystem::path& path) const;
  Result<std::string> ShowUnit(const std::string& property) const;
  /// The unit's Restart=, RestartSec=, start limits and TimeoutStopSec=,
  /// into `config` (KeepUnitRestartSettings): the unit stays as it was.
  Status KeepRestartSettings(Config* config) const;
  std::filesystem::path RecordPath(const std::string& id) const;

  Invocation* inv_;
  CLI::App* app_ = nullptr;
  std::string id_;
  std::string original_config_;
  std::string unit_;
  std::string home_;
  std::string user_;
  bool undo_ = false;
  std::vector<std::string> args_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_ADOPT_CLI_H_
