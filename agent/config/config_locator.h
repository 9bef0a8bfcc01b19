#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_LOCATOR_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_LOCATOR_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/env_overrides.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

/// Everything that decides where an instance's config file is. Plain value, so
/// the lookup rules are tested without touching the real /etc or $HOME.
struct LocatorContext {
  std::optional<std::string> config_path_env;  ///< NYMVISOR_CONFIG_PATH
  std::optional<std::string> id;               ///< `exec <id>`, else NYMVISOR_ID
  bool is_root = false;
  std::filesystem::path home;  ///< $NYM_HOME_DIR, else $HOME, else the passwd entry
  std::filesystem::path etc_dir = "/etc/nymvisor";
};

/// Builds the context from environment variables (NYMVISOR_CONFIG_PATH,
/// NYMVISOR_ID, NYM_HOME_DIR, HOME; the passwd entry when HOME is unset).
LocatorContext MakeLocatorContext(const EnvLookup& env, bool is_root,
                                  std::filesystem::path etc_dir = "/etc/nymvisor");

/// The original's per-user location: <home>/.nym/nymvisors/instances/<id>/config/config.toml.
std::filesystem::path UserConfigPath(const std::filesystem::path& home, const std::string& id);

/// Where init writes: NYMVISOR_CONFIG_PATH; else /etc/nymvisor/<id>.toml as
/// root; else the per-user location.
std::filesystem::path InitConfigPath(const LocatorContext& ctx, const std::string& id);

/// Where the other commands read: NYMVISOR_CONFIG_PATH; else, for a known id,
/// the first existing of /etc/nymvisor/<id>.toml (root only) and the per-user
/// path; else the only instance found in those places (the original's
/// "singleton" rule). Errors list what was looked at.
Result<std::filesystem::path> LocateConfig(const LocatorContext& ctx, FileSystem& files);

/// The reason of the refusal below (Status::Refused); the CLI exits with 3
/// for it, so scripts can tell it from other errors.
inline constexpr char kOtherInstanceReason[] = "OtherInstance";

/// Everything that named the instance of one command. Asking for one
/// instance and acting on another is never right, so all that are given
/// must agree.
struct InstanceNames {
  std::optional<std::string> asked{};        ///< --id, or the ID argument of `exec`
  std::string asked_by = "--id";             ///< how `asked` was given, for messages
  bool asked_by_exec = false;                ///< `asked` is exec's ID, not --id
  std::optional<std::string> env_id{};       ///< NYMVISOR_ID
  std::optional<std::string> config_path{};  ///< NYMVISOR_CONFIG_PATH (or the credential)
  std::optional<std::string> file_id{};      ///< nymvisor.id in that file, when it names one
};

/// Refuses (Refused with kOtherInstanceReason) when two of the names
/// disagree; the message names both ids, the flag and the variable, and says
/// what to unset or drop. OK when they agree or fewer than two are given.
/// Pure.
Status CheckOneInstance(const InstanceNames& names);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_LOCATOR_H_
