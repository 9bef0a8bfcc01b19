#include "agent/generator/generator.h"

#include <set>

#include "agent/config/env_file.h"
#include "agent/config/instance_config.h"
#include "agent/generator/unit_dropins.h"

namespace nymvisor {
namespace {}  // namespace

std::set<std::string> FindInstanceIds(const std::filesystem::path& dir, FileSystem& files) {
  std::set<std::string> ids;
  for (const std::string& name : files.ListDirectory(dir).value_or({})) {
    for (const char* ext : {".toml", ".env"}) {
      std::string_view suffix(ext);
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        ids.insert(name.substr(0, name.size() - suffix.size()));
      }
    }
  }
  return ids;
}

namespace {

/// The variables the agent's unit sees: NYMVISOR_ID=<id> and the env file.
Result<std::map<std::string, std::string>> InstanceEnv(const InstanceSources& sources,
                                                       FileSystem& files) {
  std::map<std::string, std::string> env = {{kIdEnvVar, sources.id}};
  Result<std::string> text = files.ReadTrusted(sources.env_file);
  if (text.status().IsNotFound()) return env;
  if (!text.ok()) return text.status();
  NV_ASSIGN_OR_RETURN(auto assignments,
                      ParseEnvFile(*text, sources.env_file.string(), EnvFromMap(env)));
  for (auto& [name, value] : assignments) env[name] = value;
  return env;
}

Status WriteDropIn(const std::filesystem::path& out, const std::string& unit,
                   const std::string& content, FileSystem& files) {
  std::filesystem::path dir = out / (unit + ".d");
  NV_RETURN_IF_ERROR(files.CreateDirectories(dir, 0755));
  return files.WriteFileAtomic(dir / kDropInName, content, 0644);
}

}  // namespace

Result<LoadedConfig> LoadUnitConfig(const GeneratorPaths& paths, const std::string& id,
                                    FileSystem& files, InstanceSources* sources) {
  NV_RETURN_IF_ERROR(ValidateInstanceId(id));
  *sources = {.id = id,
              .config_path = paths.etc_dir / (id + ".toml"),
              .env_file = paths.etc_dir / (id + ".env"),
              .nymvisor_binary = paths.nymvisor_binary};
  std::filesystem::path token = paths.etc_dir / (id + ".github-token");
  // Only root may change what becomes the agent's credential.
  if (files.ReadTrusted(token).ok()) sources->github_token = token;
  NV_ASSIGN_OR_RETURN(auto env, InstanceEnv(*sources, files));
  if (auto it = env.find(kConfigPathEnvVar); it != env.end()) sources->config_path = it->second;
  return LoadConfigFile(sources->config_path, EnvFromMap(env), files);
}

namespace {

Status GenerateInstance(const GeneratorPaths& paths, const std::string& id, FileSystem& files) {
  InstanceSources sources;
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadUnitConfig(paths, id, files, &sources));
  const Config& config = loaded.config;
  NV_RETURN_IF_ERROR(WriteDropIn(paths.output_dir, EffectiveUnit(config),
                                 RenderNodeDropIn(config, sources), files));
  NV_RETURN_IF_ERROR(WriteDropIn(paths.output_dir, "nymvisor@" + id + ".service",
                                 RenderAgentDropIn(config, sources), files));
  if (UsesNodeTemplate(config)) return {};
  return WriteDropIn(paths.output_dir, kNodeTemplatePrefix + id + ".service",
                     RenderUnusedTemplateDropIn(config, sources), files);
}

/// Every unit a broken instance may have gets a drop-in that keeps it from
/// starting: the agent, the template node and the config's own daemon.unit.
Status BlockInstance(const GeneratorPaths& paths, const std::string& id, const std::string& reason,
                     FileSystem& files) {
  std::set<std::string> units = {"nymvisor@" + id + ".service",
                                 kNodeTemplatePrefix + id + ".service"};
  Result<std::string> text = files.ReadFile(paths.etc_dir / (id + ".toml"));
  if (text.ok()) {
    if (std::optional<std::string> unit = FindUnitKey(*text)) units.insert(*unit);
  }
  std::string dropin = RenderBlockedDropIn(id, reason, paths.nymvisor_binary);
  for (const std::string& unit : units) {
    NV_RETURN_IF_ERROR(WriteDropIn(paths.output_dir, unit, dropin, files));
  }
  return {};
}

}  // namespace

std::vector<std::string> GenerateUnits(const GeneratorPaths& paths, FileSystem& files) {
  std::vector<std::string> messages;
  for (const std::string& id : FindInstanceIds(paths.etc_dir, files)) {
    Status st = GenerateInstance(paths, id, files);
    if (st.ok()) continue;
    std::string message = "instance '" + id + "' is blocked from starting: " + st.message();
    if (Status blocked = BlockInstance(paths, id, st.message(), files); !blocked.ok()) {
      message += " (and its units could not be blocked: " + blocked.message() + ")";
    }
    messages.push_back(message);
  }
  return messages;
}

}  // namespace nymvisor
