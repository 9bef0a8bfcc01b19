#ifndef NYMVISOR_AGENT_CONFIG_ENV_FILE_H_
#define NYMVISOR_AGENT_CONFIG_ENV_FILE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/base/status.h"
#include "agent/config/env_overrides.h"

namespace nymvisor {

/// One KEY=VALUE assignment of a dotenv file, in file order.
using EnvAssignment = std::pair<std::string, std::string>;

/// Parses a dotenv file as `-c/--config-env-file` reads it: KEY=VALUE lines,
/// optional `export `, '#' comments, 'single' (literal) and "double" (escapes
/// \n \t \" \\ and ${VAR}) quoted values, unquoted values with ${VAR}/$VAR
/// expansion. `env` resolves variables not assigned earlier in the file.
/// Errors name the source and line.
Result<std::vector<EnvAssignment>> ParseEnvFile(std::string_view text, std::string_view source,
                                                const EnvLookup& env);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_ENV_FILE_H_
