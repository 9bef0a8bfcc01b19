#include "agent/instance_config.h"

#include "agent/config_file.h"

namespace nymvisor {

Result<LoadedConfig> LoadConfigFile(const std::filesystem::path& path, const EnvLookup& env,
                                    FileSystem& files) {
  Result<std::string> text = files.ReadFile(path);
  if (!text.ok()) return text.status().WithContext("cannot load the nymvisor config");
  NV_ASSIGN_OR_RETURN(ParsedConfig parsed, ParseConfigToml(*text, path.string()));
  LoadedConfig loaded{std::move(parsed.config), path, std::move(parsed.warnings)};
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &loaded.config));
  NV_RETURN_IF_ERROR(ValidateConfig(loaded.config).WithContext(path.string()));
  return loaded;
}

Result<LoadedConfig> LoadInstanceConfig(const LocatorContext& ctx, const EnvLookup& env,
                                        FileSystem& files) {
  NV_ASSIGN_OR_RETURN(std::filesystem::path path, LocateConfig(ctx, files));
  return LoadConfigFile(path, env, files);
}

Status SaveConfigFile(const Config& config, const std::filesystem::path& path, FileSystem& files) {
  if (path.has_parent_path()) {
    NV_RETURN_IF_ERROR(files.CreateDirectories(path.parent_path(), 0755));
  }
  return files.WriteFileAtomic(path, RenderConfigToml(config), 0600);
}

}  // namespace nymvisor
