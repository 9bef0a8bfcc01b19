#ifndef NYMVISOR_AGENT_CLI_CLI_H_
#define NYMVISOR_AGENT_CLI_CLI_H_

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "agent/config/env_file.h"
#include "agent/config/env_overrides.h"
#include "agent/config/instance_config.h"
#include "agent/ports/clock.h"
#include "agent/ports/control.h"
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
  /// Replaces the process with `argv`, adding `extra_env` (from -c) to the
  /// environment. Returns only on failure.
  std::function<Status(const std::vector<std::string>& argv,
                       const std::vector<EnvAssignment>& extra_env)>
      exec;
  /// Runs the agent for a loaded instance; returns the exit code.
  std::function<int(const LoadedConfig& loaded, std::function<Result<Config>()> reload)> run_agent;
  /// daemon-reload, so nymvisor-generator applies a new config to the units.
  /// NotFound when systemd is not running; unset in tests.
  std::function<Status()> reload_systemd;
  /// Gives the agent of an instance what it needs to run as the node's
  /// account (cli/access_files.h); returns what changed. Unset in most tests.
  std::function<Result<std::vector<std::string>>(const Config& config,
                                                 const std::filesystem::path& config_path)>
      refresh_access;
  /// The same for every instance (`nymvisor refresh-access`, postinst).
  std::function<std::vector<std::string>()> refresh_all_access;
  /// Reaches the running agent of an instance (its control API); unset: none.
  ControlConnector connect_control;
  bool out_is_tty = false;  ///< standard output is a terminal (progress bars)
};

/// Parses the command line and runs one subcommand. Returns the process exit
/// code: 0 on success, 1 on an error (printed as "error: ..."), 2 on bad usage.
int RunCli(const std::vector<std::string>& args, CliContext& ctx);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_CLI_H_
