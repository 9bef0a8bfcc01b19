#ifndef NYMVISOR_AGENT_CONFIG_INSTANCE_CONFIG_H_
#define NYMVISOR_AGENT_CONFIG_INSTANCE_CONFIG_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/config/config_locator.h"
#include "agent/config/env_overrides.h"
#include "agent/config/upstream_source.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

/// An instance's effective config (file, then environment on top), the file it
/// came from, and warnings for the operator.
struct LoadedConfig {
  Config config;
  std::filesystem::path path;
  std::vector<std::string> warnings;
  UpstreamChoice upstream;  ///< the source followed and why
};

/// Reads `path`, applies environment overrides, resolves upstream_source
/// where neither sets it (config/upstream_source.h) and validates the result.
Result<LoadedConfig> LoadConfigFile(const std::filesystem::path& path, const EnvLookup& env,
                                    FileSystem& files);

/// LocateConfig, then LoadConfigFile: what every command but init does first.
Result<LoadedConfig> LoadInstanceConfig(const LocatorContext& ctx, const EnvLookup& env,
                                        FileSystem& files);

/// The nymvisor.id written in the config file at `path` (no environment
/// applied); nullopt when the file has no such key or cannot be read or
/// parsed (loading it later says why).
std::optional<std::string> IdInConfigFile(const std::filesystem::path& path, FileSystem& files);

/// Writes config.toml atomically with mode 0600, creating its directory.
Status SaveConfigFile(const Config& config, const std::filesystem::path& path, FileSystem& files);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_INSTANCE_CONFIG_H_
