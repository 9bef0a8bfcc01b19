#include "agent/cli/refresh_access_command.h"

#include <sys/stat.h>

#include <set>

#include "agent/base/bus_name.h"
#include "agent/generator/access_policy.h"
#include "agent/generator/generator.h"

namespace nymvisor {
namespace {

bool Unprivileged(const Config& config) {
  return !config.daemon.user.empty() && config.daemon.user != "root";
}

std::filesystem::path BusPolicyFile(const AccessPaths& paths, const std::string& id) {
  return paths.dbus_dir /
         (std::string(kControlInterface) + "." + EscapeBusNameElement(id) + ".conf");
}

std::filesystem::path UnitRuleFile(const AccessPaths& paths, const std::string& id) {
  return paths.polkit_rules_dir / ("60-nymvisor-" + EscapeBusNameElement(id) + ".rules");
}

/// Writes `content` to `path` (0644) unless it already holds it.
Status WriteIfChanged(FileSystem& files, const std::filesystem::path& path,
                      const std::string& content, std::vector<std::string>* notes) {
  Result<std::string> old = files.ReadFile(path);
  if (old.ok() && *old == content) return {};
  NV_RETURN_IF_ERROR(files.CreateDirectories(path.parent_path(), 0755));
  NV_RETURN_IF_ERROR(files.WriteFileAtomic(path, content, 0644));
  notes->push_back("wrote " + path.string());
  return {};
}

Status RemoveIfPresent(FileSystem& files, const std::filesystem::path& path,
                       std::vector<std::string>* notes) {
  if (!Exists(files, path)) return {};
  NV_RETURN_IF_ERROR(files.RemoveAll(path));
  notes->push_back("removed " + path.string());
  return {};
}

/// The unprivileged agent accounts of every instance in etc_dir.
std::set<std::string> AgentAccounts(const AccessPaths& paths, FileSystem& files) {
  std::set<std::string> owners;
  GeneratorPaths generator{.etc_dir = paths.etc_dir, .output_dir = {}, .nymvisor_binary = {}};
  for (const std::string& id : FindInstanceIds(paths.etc_dir, files)) {
    InstanceSources sources;
    Result<LoadedConfig> loaded = LoadUnitConfig(generator, id, files, &sources);
    if (loaded.ok() && Unprivileged(loaded->config)) owners.insert(loaded->config.daemon.user);
  }
  return owners;
}

Status WritePolkitActions(const AccessPaths& paths, FileSystem& files,
                          std::vector<std::string>* notes) {
  Result<std::string> text = files.ReadFile(paths.polkit_template);
  if (text.status().IsNotFound()) return {};  // polkit actions are not installed here
  if (!text.ok()) return text.status();
  return WriteIfChanged(files, paths.polkit_actions,
                        RenderPolkitActions(*text, AgentAccounts(paths, files)), notes);
}

/// The agent's account owns nymvisor's directories (what root owns there is
/// handed over without following anything, see adapters/hand_over.h); its
/// config is root's, readable by the agent's group. Root never takes a tree
/// back from an account: the operator is told instead.
Status SetOwnership(const Config& config, const std::filesystem::path& config_path,
                    FileSystem& files, std::vector<std::string>* notes) {
  const std::string& user = Unprivileged(config) ? config.daemon.user : "root";
  Layout layout = MakeLayout(config);
  for (const auto& dir : {layout.nymvisor_dir, layout.data_dir, layout.backup_dir}) {
    Result<FileInfo> info = files.Stat(dir);
    if (!info.ok()) continue;
    if (Unprivileged(config)) {
      NV_RETURN_IF_ERROR(files.SetOwner(dir, user, user, /*recursive=*/true));
    } else if (info->uid != 0) {
      notes->push_back(dir.string() + " belongs to '" + files.OwnerName(dir).value_or("?") +
                       "' while the agent now runs as root: if that account should no longer "
                       "control nymvisor's files, run 'chown -R root:root " +
                       dir.string() + "'");
    }
  }
  NV_RETURN_IF_ERROR(files.SetOwner(config_path, "root", user, false));
  return files.SetMode(config_path, Unprivileged(config) ? 0640 : 0600);
}

/// Whether root may create `dir`: the nearest existing directory above it,
/// and every one above that, is root's, no symlink, and closed to others
/// (or sticky), so no account can redirect the mkdir.
bool RootMayCreate(const std::filesystem::path& dir, FileSystem& files) {
  std::filesystem::path at = dir.lexically_normal();
  while (at.has_relative_path() && !Exists(files, at)) at = at.parent_path();
  for (;; at = at.parent_path()) {
    Result<FileInfo> info = files.Stat(at);
    if (!info.ok() || info->type != FileInfo::Type::kDirectory || info->uid != 0) return false;
    if ((info->mode & 022) != 0 && (info->mode & S_ISVTX) == 0) return false;
    if (!at.has_relative_path()) return true;
  }
}

/// The metrics textfile's directory: created for the agent's account when
/// missing (where root may); when it belongs to someone else, the operator
/// is told.
Status PrepareMetricsDirectory(const Config& config, FileSystem& files,
                               std::vector<std::string>* notes) {
  if (config.nymvisor.metrics_textfile.empty()) return {};
  std::filesystem::path dir = std::filesystem::path(config.nymvisor.metrics_textfile).parent_path();
  const std::string& user = Unprivileged(config) ? config.daemon.user : "root";
  if (!Exists(files, dir) && !RootMayCreate(dir, files)) {
    notes->push_back("create " + dir.string() + " for the metrics, writable by " + user +
                     " (root does not create it inside directories others control)");
    return {};
  }
  if (!Exists(files, dir)) {
    NV_RETURN_IF_ERROR(files.CreateDirectories(dir, 0755));
    NV_RETURN_IF_ERROR(files.SetOwner(dir, user, user, false));
    notes->push_back("created " + dir.string() + " for the metrics, owned by " + user);
    return {};
  }
  Result<std::string> owner = files.OwnerName(dir);
  if (owner.ok() && *owner != user && user != "root") {
    notes->push_back("the agent runs as " + user + " and must be able to write " + dir.string() +
                     " (owned by " + *owner + ") for its metrics, e.g. 'chgrp " + user + " " +
                     dir.string() + " && chmod g+w " + dir.string() + "'");
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> RefreshAccess(const AccessPaths& paths, const Config& config,
                                               const std::filesystem::path& config_path,
                                               FileSystem& files) {
  std::vector<std::string> notes;
  const std::string& id = config.nymvisor.id;
  NV_ASSIGN_OR_RETURN(std::string bus_name, ControlBusName(id));
  std::string owner = Unprivileged(config) ? config.daemon.user : "";
  NV_RETURN_IF_ERROR(
      WriteIfChanged(files, BusPolicyFile(paths, id), RenderBusPolicy(bus_name, owner), &notes));
  if (Unprivileged(config)) {
    NV_RETURN_IF_ERROR(WriteIfChanged(files, UnitRuleFile(paths, id),
                                      RenderUnitRule(id, config.daemon.user, EffectiveUnit(config)),
                                      &notes));
  } else {
    NV_RETURN_IF_ERROR(RemoveIfPresent(files, UnitRuleFile(paths, id), &notes));
  }
  NV_RETURN_IF_ERROR(SetOwnership(config, config_path, files, &notes));
  NV_RETURN_IF_ERROR(PrepareMetricsDirectory(config, files, &notes));
  NV_RETURN_IF_ERROR(WritePolkitActions(paths, files, &notes));
  return notes;
}

std::vector<std::string> RefreshAllAccess(const AccessPaths& paths, FileSystem& files) {
  std::vector<std::string> notes;
  GeneratorPaths generator{.etc_dir = paths.etc_dir, .output_dir = {}, .nymvisor_binary = {}};
  for (const std::string& id : FindInstanceIds(paths.etc_dir, files)) {
    InstanceSources sources;
    Result<LoadedConfig> loaded = LoadUnitConfig(generator, id, files, &sources);
    Result<std::vector<std::string>> done =
        loaded.ok() ? RefreshAccess(paths, loaded->config, sources.config_path, files)
                    : Result<std::vector<std::string>>(loaded.status());
    if (!done.ok()) {
      notes.push_back("instance '" + id + "' skipped: " + done.status().message());
      continue;
    }
    notes.insert(notes.end(), done->begin(), done->end());
  }
  if (Status st = WritePolkitActions(paths, files, &notes); !st.ok()) notes.push_back(st.message());
  return notes;
}

}  // namespace nymvisor
