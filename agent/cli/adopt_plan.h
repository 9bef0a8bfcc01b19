#ifndef NYMVISOR_AGENT_CLI_ADOPT_PLAN_H_
#define NYMVISOR_AGENT_CLI_ADOPT_PLAN_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/base/status.h"
#include "agent/config/config.h"

namespace nymvisor {

/// The argv of a unit's ExecStart as `systemctl show -p ExecStart --value`
/// prints it ("{ path=... ; argv[]=/bin/x run --id a ; ignore_errors=no ; ... }").
/// Error when there is no argv[] (an empty ExecStart).
Result<std::vector<std::string>> ParseShownExecStart(std::string_view shown);

/// The home an original nymvisor ran with, from its config path
/// (<home>/.nym/nymvisors/instances/<id>/config/config.toml); nullopt when
/// the path does not have that shape.
std::optional<std::filesystem::path> OriginalHomeOf(const std::filesystem::path& config_path);

/// The original's default data directory: <home>/.nym/nymvisors/data/<daemon name>.
std::filesystem::path OriginalDataDirectory(const std::filesystem::path& home,
                                            const std::string& daemon_name);

/// nym-node's home for its arguments: <home>/.nym/nym-nodes/<--id, else default-nym-node>.
std::filesystem::path NymNodeHome(const std::filesystem::path& account_home,
                                  const std::vector<std::string>& args);

/// The `init` arguments that write `config` as it is (every key that has an
/// init flag, bare flags only when set), then the binary and `-- args`.
std::vector<std::string> InitArgumentsFor(const Config& config, const std::string& binary);

/// A time span as `systemctl show` prints one ("30s", "1min 30s", "100ms",
/// "1.500000s", "0"); an error for "infinity" and anything else.
Result<Duration> ParseShownTimespan(std::string_view text);

/// A unit's effective restart settings, as `systemctl show -p NAME --value`
/// prints them.
struct UnitRestartSettings {
  std::string restart;                    ///< Restart
  std::string restart_usec;               ///< RestartUSec
  std::string start_limit_burst;          ///< StartLimitBurst
  std::string start_limit_interval_usec;  ///< StartLimitIntervalUSec
  std::string timeout_stop_usec;          ///< TimeoutStopUSec
};

/// Keeps an adopted unit's restart settings by writing them into the keys
/// the generator turns back into the same settings: Restart=no|on-failure ->
/// restart_on_failure, RestartSec= -> failure_restart_delay, StartLimitBurst=
/// -> max_startup_failures, StartLimitIntervalSec= -> startup_period_duration
/// (0, no limit, becomes the largest burst), TimeoutStopSec= ->
/// shutdown_grace_period. The health check, which follows the startup period,
/// is kept at least at its default (2m). A value no key holds (Restart=always,
/// an infinite or sub-second stop timeout) is an error naming the unit's
/// setting and what to change.
Status KeepUnitRestartSettings(const UnitRestartSettings& shown, const std::string& unit,
                               Config* config);

/// What `adopt` did, kept in /etc/nymvisor/<id>.adopted so `adopt --undo`
/// can say how to go back. Plain value.
struct AdoptRecord {
  std::string kind;         ///< "original" or "unit"
  std::string source;       ///< the original's config file, or the operator's unit
  std::string config_path;  ///< the config adopt wrote
  std::string binary;       ///< the binary the node ran before (the unit's ExecStart[0])
  std::string unit;         ///< the node's unit
  bool operator==(const AdoptRecord&) const = default;
};

/// One line of JSON.
std::string FormatAdoptRecord(const AdoptRecord& record);
Result<AdoptRecord> ParseAdoptRecord(std::string_view text);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_ADOPT_PLAN_H_
