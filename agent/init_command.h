#ifndef NYMVISOR_AGENT_INIT_COMMAND_H_
#define NYMVISOR_AGENT_INIT_COMMAND_H_

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/build_info.h"
#include "agent/clock.h"
#include "agent/config.h"
#include "agent/config_locator.h"
#include "agent/env_overrides.h"
#include "agent/file_system.h"
#include "agent/process_runner.h"

namespace nymvisor {

/// init's flags, named as the original names them. Unset optionals and false
/// bare flags leave the default in place.
struct InitFlags {
  std::string daemon_binary;
  std::vector<std::string> daemon_args;  ///< after "--": the node's arguments
  std::optional<std::string> id;
  std::optional<std::string> upstream_base_upgrade_url;
  std::optional<Duration> upstream_polling_rate;
  bool disable_nymvisor_logs = false;
  std::optional<std::string> upgrade_data_directory;
  std::optional<std::string> daemon_home;
  std::optional<std::string> daemon_absolute_upstream_upgrade_url;
  std::optional<bool> allow_download_upgrade_binaries;
  std::optional<bool> enforce_download_checksum;
  std::optional<bool> restart_daemon_after_upgrade;
  bool restart_daemon_on_failure = false;
  std::optional<Duration> on_failure_daemon_restart_delay;
  std::optional<uint32_t> max_daemon_startup_failures;
  std::optional<Duration> startup_period_duration;
  std::optional<Duration> daemon_shutdown_grace_period;
  std::optional<std::string> daemon_backup_data_directory;
  bool unsafe_skip_backup = false;
  std::optional<std::string> daemon_unit;       ///< ours: --daemon-unit
  std::optional<std::string> daemon_user;       ///< ours: --daemon-user
  std::optional<uint32_t> backups_to_keep;      ///< ours: --backups-to-keep
  std::optional<Duration> health_check_period;  ///< ours: --health-check-period
  Duration build_info_timeout = std::chrono::seconds(30);
};

/// The config init writes: defaults, then flags, then environment variables
/// (env beats flags, as in the original). Relative paths are made absolute and
/// the unit name is filled in. No home from --daemon-home or DAEMON_HOME is an error.
Result<Config> BuildInitConfig(const BuildInfo& build, const InitFlags& flags,
                               const EnvLookup& env);

/// The effects init needs.
struct InitDeps {
  FileSystem& files;
  ProcessRunner& runner;
  Clock& clock;
  /// Whether an account exists (--daemon-user is checked when set).
  std::function<bool(const std::string& name)> user_exists;
};

/// What init did, for the CLI to print.
struct InitResult {
  Config config;
  std::filesystem::path config_path;
  std::vector<std::string> notes;  ///< things the operator should know
};

/// Validates the binary, creates the data layout (genesis binary, records,
/// `current` symlink) and writes the config. Safe to run again with the same
/// binary; refuses a different genesis binary. Never rewinds an instance that
/// has already been upgraded.
Result<InitResult> RunInit(const InitFlags& flags, const LocatorContext& ctx, const EnvLookup& env,
                           const InitDeps& deps);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_INIT_COMMAND_H_
