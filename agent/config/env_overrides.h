#ifndef NYMVISOR_AGENT_CONFIG_ENV_OVERRIDES_H_
#define NYMVISOR_AGENT_CONFIG_ENV_OVERRIDES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.h"

namespace nymvisor {

inline constexpr char kConfigPathEnvVar[] = "NYMVISOR_CONFIG_PATH";
inline constexpr char kIdEnvVar[] = "NYMVISOR_ID";

/// Reads one environment variable; nullopt when unset. Tests pass a map instead
/// of the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The real process environment (getenv). Read on the calling thread.
EnvLookup ProcessEnv();

/// An environment made of the given variables only (a copy is kept).
EnvLookup EnvFromMap(std::map<std::string, std::string> vars);

/// Applies every set NYMVISOR_* / DAEMON_* variable on top of `config`, which is
/// how environment beats both the file and (at init) the flags. A variable that
/// is set but invalid is an error naming it; an empty path or URL stays empty.
Status ApplyEnvOverrides(const EnvLookup& env, Config* config);

/// The 19 variables the original reads (NYMVISOR_CONFIG_PATH included).
std::vector<std::string_view> KnownEnvVars();

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_ENV_OVERRIDES_H_
