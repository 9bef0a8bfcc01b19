#include "agent/config/instance_config.h"

#include "agent/config/config_file.h"
#include "agent/config/config_keys.h"

namespace nymvisor {

namespace {

/// A validation error ("daemon.home: ...") said where the bad value came
/// from: the variable that set it, or the file and line.
Status WhereFrom(const Status& error, const std::filesystem::path& path, const ParsedConfig& parsed,
                 const EnvLookup& env) {
  const ConfigKey* k = KeyOfError(error);
  if (k != nullptr && !k->env_var.empty() && env(k->env_var)) {
    return error.WithContext("environment variable " + std::string(k->env_var));
  }
  auto line = k == nullptr ? parsed.key_lines.end() : parsed.key_lines.find(k->FullName());
  if (line == parsed.key_lines.end()) return error.WithContext(path.string());
  return error.WithContext(path.string() + ":" + std::to_string(line->second));
}

}  // namespace

Result<LoadedConfig> LoadConfigFile(const std::filesystem::path& path, const EnvLookup& env,
                                    FileSystem& files) {
  Result<std::string> text = files.ReadTrusted(path);
  if (!text.ok()) return text.status().WithContext("cannot load the nymvisor config");
  NV_ASSIGN_OR_RETURN(ParsedConfig parsed, ParseConfigToml(*text, path.string()));
  LoadedConfig loaded{parsed.config, path, parsed.warnings, {}};
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &loaded.config));
  loaded.upstream = ResolveUpstreamSource(
      {MentionsInFile(parsed, path.string()), MentionsInEnv(env)}, &loaded.config);
  if (Status st = ValidateConfig(loaded.config); !st.ok()) return WhereFrom(st, path, parsed, env);
  return loaded;
}

Result<LoadedConfig> LoadInstanceConfig(const LocatorContext& ctx, const EnvLookup& env,
                                        FileSystem& files) {
  NV_ASSIGN_OR_RETURN(std::filesystem::path path, LocateConfig(ctx, files));
  return LoadConfigFile(path, env, files);
}

std::optional<std::string> IdInConfigFile(const std::filesystem::path& path, FileSystem& files) {
  Result<std::string> text = files.ReadTrusted(path);
  if (!text.ok()) return std::nullopt;
  Result<ParsedConfig> parsed = ParseConfigToml(*text, path.string());
  if (!parsed.ok() || !parsed->key_lines.contains("nymvisor.id")) return std::nullopt;
  return parsed->config.nymvisor.id;
}

Status SaveConfigFile(const Config& config, const std::filesystem::path& path, FileSystem& files) {
  if (path.has_parent_path()) {
    NV_RETURN_IF_ERROR(files.CreateDirectories(path.parent_path(), 0755));
  }
  return files.WriteFileAtomic(path, RenderConfigToml(config), 0600);
}

}  // namespace nymvisor
