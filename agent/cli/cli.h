#ifndef NYMVISOR_AGENT_CLI_CLI_H_
#define NYMVISOR_AGENT_CLI_CLI_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "agent/adapters/etcd_gateway.h"
#include "agent/base/scope.h"
#include "agent/config/env_file.h"
#include "agent/config/env_overrides.h"
#include "agent/config/instance_config.h"
#include "agent/ports/clock.h"
#include "agent/ports/control_client.h"
#include "agent/ports/file_system.h"
#include "agent/ports/process_runner.h"

namespace nymvisor {

/// Everything the command line touches. main() wires the real implementations;
/// tests wire fakes and capture the streams. Used on the main thread only.
struct CliContext {
  FileSystem& files;
  ProcessRunner& processes;
  Clock& clock;
  EnvLookup env;  ///< the process environment, before -c is applied
  bool is_root = false;
  std::filesystem::path etc_dir = "/etc/nymvisor";
  std::ostream& out;
  std::ostream& err;
  /// Replaces the process with `argv` as the account `user` (root drops to
  /// it for good first), adding `extra_env` (from -c) to the environment.
  /// Returns only on failure.
  std::function<Status(const std::vector<std::string>& argv,
                       const std::vector<EnvAssignment>& extra_env, const std::string& user)>
      exec;
  /// Runs the agent for a loaded instance; returns the exit code.
  std::function<int(const LoadedConfig& loaded, std::function<Result<Config>()> reload)> run_agent;
  /// daemon-reload, so nymvisor-generator applies a new config to the units.
  /// NotFound when systemd is not running; unset in tests.
  std::function<Status()> reload_systemd;
  /// Gives the agent of an instance what it needs to run as the node's
  /// account (cli/refresh_access_command.h); returns what changed. Unset in most tests.
  std::function<Result<std::vector<std::string>>(const Config& config,
                                                 const std::filesystem::path& config_path)>
      refresh_access;
  /// The same for every instance (`nymvisor refresh-access`, postinst).
  std::function<std::vector<std::string>()> refresh_all_access;
  /// Makes the process act as `user` (its uid, gid and groups) until the
  /// returned handle is dropped: how a root CLI works inside a node's files
  /// (adapters/account_scope.h). Unset (tests) or not root: nothing changes.
  std::function<Result<Scope>(const std::string& user)> act_as;
  /// Root becomes `user` for good (real, effective and saved ids): `run`
  /// started by hand as root runs the agent as the node's account, as its
  /// unit does. Unset (tests): nothing changes.
  std::function<Status(const std::string& user)> become;
  /// Copies a binary the operator named to a place `user` may run and read
  /// but not change (adapters/operator_binary_copy.h); sets `*staged` to the path to
  /// use and returns the handle that keeps it. Unset: the path itself.
  std::function<Result<Scope>(const std::string& path, const std::string& user,
                              std::string* staged)>
      stage_binary;
  /// Reaches the running agent of an instance (its control API); unset: none.
  ControlConnector connect_control;
  bool out_is_tty = false;  ///< standard output is a terminal (progress bars)
  /// The etcd client of a fleet (adapters/EtcdGateway with these options);
  /// unset: no fleet can be reached (`nymvisor fleet` says so).
  std::function<std::unique_ptr<Etcd>(const EtcdGatewayOptions& options)> connect_etcd;
};

/// The exit code of a command refused because --id, NYMVISOR_ID and the
/// config NYMVISOR_CONFIG_PATH names disagree on the instance.
inline constexpr int kOtherInstanceExit = 3;

/// Parses the command line and runs one subcommand. Returns the process exit
/// code: 0 on success, 1 on an error (printed as "error: ..."), 2 on bad
/// usage, kOtherInstanceExit when the instance is named inconsistently,
/// kNodeStartRefusedExit (75) when `exec` refuses to start the node while the
/// records hold it down (decide/node_start_guard.h).
int RunCli(const std::vector<std::string>& args, CliContext& ctx);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_CLI_H_
