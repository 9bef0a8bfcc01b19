#ifndef NYMVISOR_AGENT_CLI_INIT_COMMAND_H_
#define NYMVISOR_AGENT_CLI_INIT_COMMAND_H_

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/scope.h"
#include "agent/config/config.h"
#include "agent/config/config_locator.h"
#include "agent/config/env_overrides.h"
#include "agent/config/upstream_source.h"
#include "agent/ports/clock.h"
#include "agent/ports/file_system.h"
#include "agent/ports/process_runner.h"
#include "agent/records/build_info.h"

namespace nymvisor {

/// init's command line. The config keys come as text, keyed by their full
/// name ("daemon.home"), as the key table's init flags give them; a bare flag
/// that is present reads "true". Unset keys keep the existing config's value
/// (a re-run), else their defaults.
struct InitFlags {
  std::string daemon_binary;
  /// After "--": the node's arguments. nullopt (no "--"): keep the existing
  /// ones; an empty list ("--" and nothing after it): clear them.
  std::optional<std::vector<std::string>> daemon_args;
  std::map<std::string, std::string> settings;
  Duration build_info_timeout = std::chrono::seconds(30);
  bool reset = false;  ///< --reset: start from the defaults, not the existing config
  bool force = false;  ///< --force: move the home even with upgrades queued in the old one

  /// Sets a key by its full name; tests and the CLI use it.
  void Set(const std::string& key, std::string text) { settings[key] = std::move(text); }
};

/// The config init writes: `base` (the existing config of a re-run) or the
/// defaults, then flags, then environment variables (env beats flags, as in
/// the original). Relative paths are made absolute and the unit name is
/// filled in. No home from the base, --daemon-home or DAEMON_HOME is an error.
/// The upstream source follows config/upstream_source's rules over the flags
/// and variables; a re-run whose flags and variables name neither a source
/// nor a URL keeps the base's. `upstream`, when given, receives that choice.
Result<Config> BuildInitConfig(const BuildInfo& build, const InitFlags& flags, const EnvLookup& env,
                               const std::optional<Config>& base = std::nullopt,
                               UpstreamChoice* upstream = nullptr);

/// The effects init needs.
struct InitDeps {
  FileSystem& files;
  ProcessRunner& processes;
  Clock& clock;
  /// Whether an account exists (--daemon-user is checked when set).
  std::function<bool(const std::string& name)> user_exists;
  /// Copies the operator's binary where `user` may read and run it but not
  /// change it, updating `*path` (EnterNodeAccount's partner in
  /// cli/cli_support.h). Unset: the binary is used where it is.
  std::function<Result<Scope>(const std::string& user, std::string* path)> stage = {};
  /// Acts as the node's account of `config` until the handle is dropped:
  /// the probe and everything init writes in the daemon home happen so.
  /// Unset: nothing changes.
  std::function<Result<Scope>(const Config& config)> enter_node = {};
};

/// What init did, for the CLI to print.
struct InitResult {
  Config config;
  std::filesystem::path config_path;
  std::vector<std::string> notes;  ///< things the operator should know
  /// The config file as it was before init rewrote it (a re-run), else empty.
  std::optional<Config> previous;
  UpstreamChoice upstream;  ///< the source init chose and why, for the operator
};

/// Validates the binary, creates the data layout (genesis binary, records,
/// `current` symlink) and writes the config. Safe to run again with the same
/// binary: a re-run changes only what its flags (and variables) name and
/// keeps the rest of the existing config; it refuses a different genesis
/// binary, and a new home while the old one has upgrades queued (unless
/// --force). Never rewinds an instance that has already been upgraded.
/// --id, NYMVISOR_ID and the config at NYMVISOR_CONFIG_PATH must agree.
Result<InitResult> RunInit(const InitFlags& flags, const LocatorContext& ctx, const EnvLookup& env,
                           const InitDeps& deps);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_INIT_COMMAND_H_
