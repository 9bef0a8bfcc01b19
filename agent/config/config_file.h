#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_FILE_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_FILE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/config.h"

namespace nymvisor {

/// A config read from config.toml, plus the warnings an operator should see
/// (unknown keys, HTML entities left by the original's template).
struct ParsedConfig {
  Config config;
  std::vector<std::string> warnings;
  std::map<std::string, int> key_lines;  ///< "daemon.home" -> its line, for later errors
};

/// Reads the original's config.toml format (and our additional keys) with inih.
/// `source` names the file in messages: "<source>:<line>: <key>: <problem>".
/// daemon.name and daemon.home are required; other keys default when absent.
/// Not thread-safe: it sets inih's process-wide parser options.
Result<ParsedConfig> ParseConfigToml(std::string_view text, std::string_view source);

/// Writes config.toml with explanatory comments, readable by the original.
std::string RenderConfigToml(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_FILE_H_
