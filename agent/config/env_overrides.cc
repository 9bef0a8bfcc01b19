#include "agent/config/env_overrides.h"

#include <cstdlib>

#include "agent/config/config_keys.h"

namespace nymvisor {

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

EnvLookup EnvFromMap(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Status ApplyEnvOverrides(const EnvLookup& env, Config* config) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.env_var.empty()) continue;
    std::optional<std::string> value = env(key.env_var);
    std::string_view name = key.env_var;
    if (!key.alias.env_var.empty()) {
      std::optional<std::string> old = env(key.alias.env_var);
      if (old && value && *old != *value) {
        return Status::Error("environment variables " + std::string(key.alias.env_var) + " and " +
                             std::string(key.env_var) + " disagree: set only " +
                             std::string(key.env_var));
      }
      if (old && !value) {
        value = old;
        name = key.alias.env_var;
      }
    }
    if (!value) continue;
    Status st = SetFromText(key, *value, config);
    if (!st.ok()) return st.WithContext("environment variable " + std::string(name));
  }
  return {};
}

std::vector<std::string_view> KnownEnvVars() {
  std::vector<std::string_view> names = {kConfigPathEnvVar};
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.env_var.empty()) names.push_back(key.env_var);
    if (!key.alias.env_var.empty()) names.push_back(key.alias.env_var);
  }
  return names;
}

}  // namespace nymvisor
