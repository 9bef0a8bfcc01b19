#include "agent/config/config_locator.h"

#include <pwd.h>
#include <unistd.h>

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

stdfs::path InstancesDir(const stdfs::path& home) {
  return home / ".nym" / "nymvisors" / "instances";
}

std::vector<stdfs::path> CandidatesForId(const LocatorContext& ctx, const std::string& id) {
  std::vector<stdfs::path> paths;
  if (ctx.is_root) paths.push_back(ctx.etc_dir / (id + ".toml"));
  paths.push_back(UserConfigPath(ctx.home, id));
  return paths;
}

Result<stdfs::path> LocateById(const LocatorContext& ctx, FileSystem& files,
                               const std::string& id) {
  std::string looked;
  for (const stdfs::path& path : CandidatesForId(ctx, id)) {
    if (Exists(files, path)) return path;
    looked += (looked.empty() ? "" : ", ") + path.string();
  }
  return Status::NotFound("no config for instance '" + id + "' (looked at " + looked +
                          "); run 'nymvisor init' first");
}

/// Every instance config in /etc/nymvisor (root) and the per-user instances dir.
std::vector<stdfs::path> FindInstances(const LocatorContext& ctx, FileSystem& files) {
  std::vector<stdfs::path> found;
  if (ctx.is_root) {
    for (const std::string& name : files.ListDirectory(ctx.etc_dir).value_or({})) {
      if (name.size() > 5 && name.ends_with(".toml")) found.push_back(ctx.etc_dir / name);
    }
  }
  for (const std::string& name : files.ListDirectory(InstancesDir(ctx.home)).value_or({})) {
    found.push_back(InstancesDir(ctx.home) / name / "config" / "config.toml");
  }
  return found;
}

}  // namespace

LocatorContext MakeLocatorContext(const EnvLookup& env, bool is_root,
                                  std::filesystem::path etc_dir) {
  LocatorContext ctx;
  ctx.config_path_env = env(kConfigPathEnvVar);
  if (ctx.config_path_env && ctx.config_path_env->empty()) ctx.config_path_env.reset();  // unset
  ctx.id = env(kIdEnvVar);
  ctx.is_root = is_root;
  ctx.etc_dir = std::move(etc_dir);
  if (auto nym_home = env("NYM_HOME_DIR")) {
    ctx.home = *nym_home;
  } else if (auto home = env("HOME")) {
    ctx.home = *home;
  } else if (const passwd* pw = ::getpwuid(::geteuid())) {
    ctx.home = pw->pw_dir;
  }
  return ctx;
}

stdfs::path UserConfigPath(const stdfs::path& home, const std::string& id) {
  return InstancesDir(home) / id / "config" / "config.toml";
}

stdfs::path InitConfigPath(const LocatorContext& ctx, const std::string& id) {
  if (ctx.config_path_env) return *ctx.config_path_env;
  if (ctx.is_root) return ctx.etc_dir / (id + ".toml");
  return UserConfigPath(ctx.home, id);
}

Result<stdfs::path> LocateConfig(const LocatorContext& ctx, FileSystem& files) {
  if (ctx.config_path_env) return stdfs::path(*ctx.config_path_env);
  if (ctx.id) return LocateById(ctx, files, *ctx.id);
  std::vector<stdfs::path> found = FindInstances(ctx, files);
  if (found.size() == 1) return found.front();
  std::string where = (ctx.is_root ? ctx.etc_dir.string() + " and " : std::string()) +
                      InstancesDir(ctx.home).string();
  if (found.empty()) {
    return Status::NotFound("no nymvisor instance found in " + where +
                            "; run 'nymvisor init' or set NYMVISOR_CONFIG_PATH");
  }
  std::string list;
  for (const stdfs::path& p : found) list += "\n  " + p.string();
  return Status::Error("found " + std::to_string(found.size()) + " nymvisor instances in " + where +
                       "; choose one with --id ID (or set NYMVISOR_ID=ID):" + list);
}

namespace {

Status OtherInstance(const std::string& message) {
  return Status::Refused(kOtherInstanceReason, message);
}

/// "NYMVISOR_CONFIG_PATH (/etc/nymvisor/x.toml) is instance 'x'".
std::string FileSays(const InstanceNames& n) {
  return std::string(kConfigPathEnvVar) + " (" + *n.config_path + ") is the config of instance '" +
         *n.file_id + "'";
}

/// The way out that keeps the other name: "drop --id to use 'x'".
std::string UseOther(const InstanceNames& n, const std::string& other) {
  if (n.asked_by_exec) return "run 'nymvisor exec " + other + "'";
  return "drop --id to use '" + other + "'";
}

}  // namespace

Status CheckOneInstance(const InstanceNames& n) {
  if (n.asked && n.env_id && *n.asked != *n.env_id) {
    return OtherInstance(n.asked_by + " asks for instance '" + *n.asked + "' but " + kIdEnvVar +
                         " is '" + *n.env_id + "'; nymvisor acts on one instance only: unset " +
                         kIdEnvVar + " (env -u " + kIdEnvVar + " nymvisor ...), or " +
                         UseOther(n, *n.env_id));
  }
  if (!n.config_path || !n.file_id) return {};
  if (n.asked && *n.asked != *n.file_id) {
    return OtherInstance(n.asked_by + " asks for instance '" + *n.asked + "' but " + FileSays(n) +
                         "; nymvisor acts on one instance only: unset " + kConfigPathEnvVar +
                         " to use the config of '" + *n.asked + "', or " + UseOther(n, *n.file_id));
  }
  if (n.env_id && *n.env_id != *n.file_id) {
    return OtherInstance(std::string(kIdEnvVar) + " asks for instance '" + *n.env_id + "' but " +
                         FileSays(n) + "; nymvisor acts on one instance only: unset " + kIdEnvVar +
                         " or " + kConfigPathEnvVar + ", or make them agree");
  }
  return {};
}

}  // namespace nymvisor
