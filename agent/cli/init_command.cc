#include "agent/cli/init_command.h"

#include "agent/config/config_keys.h"
#include "agent/config/instance_config.h"
#include "agent/config/upstream_source.h"
#include "agent/records/layout.h"
#include "agent/shell/build_info_probe.h"
#include "agent/shell/record_store.h"

namespace nymvisor {
namespace {

constexpr const char* kNoHome =
    "the daemon home is not known: pass --daemon-home or set DAEMON_HOME";

/// Sets the keys given as flags; a bad value is a usage error naming the flag.
Status ApplyFlags(const InitFlags& flags, Config* config) {
  for (const ConfigKey& key : AllConfigKeys()) {
    auto given = flags.settings.find(key.FullName());
    if (given == flags.settings.end()) continue;
    if (Status st = SetFromText(key, given->second, config); !st.ok()) {
      std::string flag = key.init.name.empty() ? key.FullName() : std::string(key.init.name);
      return Status::Usage(flag + ": " + st.message());
    }
  }
  config->daemon.args = flags.daemon_args;
  return {};
}

std::string MakeAbsolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return std::filesystem::absolute(path).lexically_normal().string();
}

/// Makes sure genesis/bin/<name> holds `binary`: copies it, or accepts an
/// identical existing copy, or refuses a different one.
Status InstallGenesisBinary(const Layout& layout, const std::string& binary, const BuildInfo& build,
                            const InitFlags& flags, const InitDeps& deps) {
  std::filesystem::path target = layout.UpgradeBinary("genesis");
  if (Exists(deps.files, target)) {
    NV_ASSIGN_OR_RETURN(BuildInfo existing,
                        ProbeBuildInfo(deps.processes, target.string(), flags.build_info_timeout));
    if (existing == build) return {};
    return Status::Error("a different genesis binary is already installed at " + target.string() +
                         " (version " + existing.build_version + ", commit " + existing.commit_sha +
                         "); refusing to replace it with version " + build.build_version +
                         ", commit " + build.commit_sha);
  }
  NV_RETURN_IF_ERROR(deps.files.CopyFile(binary, target));
  NV_ASSIGN_OR_RETURN(FileInfo info, deps.files.Stat(target));
  return deps.files.SetMode(target, info.mode | 0555);
}

/// Refuses, before anything is written, an instance whose genesis record or
/// plan describes another genesis binary.
Status CheckExistingGenesis(RecordStore& store, const UpgradeInfo& genesis) {
  Result<UpgradeInfo> existing = store.LoadUpgradeInfo("genesis");
  if (!existing.ok() && !existing.status().IsNotFound()) return existing.status();
  if (existing.ok() && existing->binary_details != genesis.binary_details) {
    return Status::Error(store.layout().UpgradeInfoFile("genesis").string() +
                         " describes a different binary (version " + existing->version + ")");
  }
  Result<UpgradePlan> plan = store.LoadPlan();
  if (!plan.ok() && !plan.status().IsNotFound()) return plan.status();
  if (plan.ok() && plan->current.name == "genesis" && plan->current.binary_details &&
      *plan->current.binary_details != *genesis.binary_details) {
    return Status::Error(store.layout().PlanFile().string() +
                         " already exists for a different genesis binary");
  }
  return {};
}

/// Writes genesis/upgrade-info.json and upgrade-plan.json where missing
/// (CheckExistingGenesis vetted the ones present).
Status InstallGenesisRecords(RecordStore& store, const UpgradeInfo& genesis) {
  if (store.LoadUpgradeInfo("genesis").status().IsNotFound()) {
    NV_RETURN_IF_ERROR(store.SaveUpgradeInfo(genesis));
  }
  if (store.LoadPlan().status().IsNotFound()) return store.SavePlan(UpgradePlan{genesis, {}});
  return {};
}

/// Points `current` at genesis with a matching current-version.json, unless the
/// instance already runs an upgrade, which is left untouched.
Status InstallCurrent(RecordStore& store, const UpgradeInfo& genesis, const InitDeps& deps,
                      InitResult* result) {
  const Layout& layout = store.layout();
  Result<std::string> target = deps.files.ReadSymlink(layout.CurrentLink());
  if (target.ok() && std::filesystem::path(*target) != layout.GenesisDir()) {
    result->notes.push_back("'current' already points at " + *target + "; left unchanged");
    return {};
  }
  if (!target.ok() && !target.status().IsNotFound()) return target.status();
  Result<CurrentVersion> existing = store.LoadCurrentVersion();
  if (!existing.ok() || existing->name != "genesis" ||
      existing->binary_details != *genesis.binary_details) {
    NV_RETURN_IF_ERROR(store.SaveCurrentVersion(
        {"genesis", genesis.version, deps.clock.Now(), *genesis.binary_details}));
  }
  if (target.ok()) return {};
  return deps.files.ReplaceSymlink(layout.CurrentLink(), layout.GenesisDir());
}

Status CreateDirectories(const Layout& layout, FileSystem& files) {
  NV_RETURN_IF_ERROR(files.CreateDirectories(layout.nymvisor_dir, 0755));
  NV_RETURN_IF_ERROR(files.CreateDirectories(layout.backup_dir, 0700));
  NV_RETURN_IF_ERROR(files.CreateDirectories(layout.data_dir, 0755));
  NV_RETURN_IF_ERROR(files.CreateDirectories(layout.GenesisDir() / "bin", 0755));
  return files.CreateDirectories(layout.UpgradesDir(), 0755);
}

/// Re-running init rewrites the config from its flags (as the original does);
/// say which values that changes, so nothing is lost silently.
void NoteConfigChanges(const std::filesystem::path& path, const Config& next, FileSystem& files,
                       InitResult* result) {
  std::vector<std::string>* notes = &result->notes;
  EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  Result<LoadedConfig> previous = LoadConfigFile(path, no_env, files);
  if (!previous.ok()) return;
  result->previous = previous->config;
  for (const ConfigKey& key : AllConfigKeys()) {
    std::string before = ValueAsText(key, previous->config);
    std::string after = ValueAsText(key, next);
    if (before != after) {
      notes->push_back(path.string() + ": " + key.FullName() + " changes from '" + before +
                       "' to '" + after + "'");
    }
  }
}

}  // namespace

Result<Config> BuildInitConfig(const BuildInfo& build, const InitFlags& flags,
                               const EnvLookup& env) {
  Config config = DefaultConfig(build.binary_name);
  NV_RETURN_IF_ERROR(ApplyFlags(flags, &config));
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &config));
  ResolveUpstreamSource({MentionsInFlags(flags.settings), MentionsInEnv(env)}, &config);
  if (config.daemon.home.empty()) {
    return Status::Error(kNoHome);
  }
  config.daemon.home = MakeAbsolute(config.daemon.home);
  config.nymvisor.upgrade_data_directory = MakeAbsolute(config.nymvisor.upgrade_data_directory);
  config.daemon.backup_data_directory = MakeAbsolute(config.daemon.backup_data_directory);
  config.daemon.unit = EffectiveUnit(config);
  NV_RETURN_IF_ERROR(ValidateConfig(config));
  return config;
}

namespace {

/// The config as far as it is known before the binary is probed: enough for
/// the home, the layout and the node's account. Checks the given account.
Result<Config> PreliminaryConfig(const InitFlags& flags, const EnvLookup& env,
                                 const InitDeps& deps) {
  Config pre = DefaultConfig("");
  NV_RETURN_IF_ERROR(ApplyFlags(flags, &pre));  // a bad flag is named before anything runs
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &pre));
  if (pre.daemon.home.empty()) return Status::Error(kNoHome);
  pre.daemon.home = MakeAbsolute(pre.daemon.home);
  if (!pre.daemon.user.empty() && deps.user_exists && !deps.user_exists(pre.daemon.user)) {
    return Status::Error("--daemon-user (daemon.user): no account named '" + pre.daemon.user + "'");
  }
  return pre;
}

/// Probes the binary and lays out the daemon home: the part of init that
/// works in the node's files (as the node's account, see RunInit).
Status InstallInstance(const InitFlags& flags, const std::string& binary, const EnvLookup& env,
                       const InitDeps& deps, InitResult* result) {
  NV_ASSIGN_OR_RETURN(BuildInfo build,
                      ProbeBuildInfo(deps.processes, binary, flags.build_info_timeout));
  NV_ASSIGN_OR_RETURN(result->config, BuildInitConfig(build, flags, env));
  Config& config = result->config;
  Layout layout = MakeLayout(config);
  NV_RETURN_IF_ERROR(ValidateLayout(layout));
  NV_RETURN_IF_ERROR(CreateDirectories(layout, deps.files));
  if (config.daemon.user.empty()) {
    NV_ASSIGN_OR_RETURN(config.daemon.user, deps.files.OwnerName(layout.home));
  }
  RecordStore store(deps.files, layout);
  UpgradeInfo genesis = MakeGenesisInfo(build);
  NV_RETURN_IF_ERROR(CheckExistingGenesis(store, genesis));
  NV_RETURN_IF_ERROR(InstallGenesisBinary(layout, binary, build, flags, deps));
  NV_RETURN_IF_ERROR(InstallGenesisRecords(store, genesis));
  return InstallCurrent(store, genesis, deps, result);
}

/// Without --daemon-user the node runs as the owner of its home: say which
/// account that is and why, and how to choose another.
void NoteAccountChoice(const Config& config, bool home_existed, std::vector<std::string>* notes) {
  const std::string& home = config.daemon.home;
  std::string why =
      home_existed ? home + " belongs to '" + config.daemon.user + "'"
                   : home + " did not exist, so init created it for '" + config.daemon.user + "'";
  std::string note =
      "daemon.user: not given, and " + why + ", so the node runs as '" + config.daemon.user + "'";
  if (config.daemon.user == "root") {
    note += "; to run it as its own account instead: useradd --system --home-dir " + home +
            " --shell /usr/sbin/nologin nym && chown -R nym:nym " + home +
            ", then run init again with --daemon-user nym";
  }
  notes->push_back(note);
}

using Handle = std::shared_ptr<void>;

}  // namespace

Result<InitResult> RunInit(const InitFlags& flags, const LocatorContext& ctx, const EnvLookup& env,
                           const InitDeps& deps) {
  NV_ASSIGN_OR_RETURN(Config pre, PreliminaryConfig(flags, env, deps));
  std::string binary = flags.daemon_binary;
  std::string account = pre.daemon.user;
  bool home_existed = Exists(deps.files, pre.daemon.home);
  if (account.empty()) account = deps.files.OwnerName(pre.daemon.home).value_or("");
  NV_ASSIGN_OR_RETURN(Handle staged, deps.stage ? deps.stage(account, &binary) : Handle());
  InitResult result;
  {
    // Root works in the daemon home only as the node's account: a symlink or
    // a binary planted there can do nothing that account could not.
    NV_ASSIGN_OR_RETURN(Handle as_node, deps.enter_node ? deps.enter_node(pre) : Handle());
    NV_RETURN_IF_ERROR(InstallInstance(flags, binary, env, deps, &result));
  }
  Config& config = result.config;
  result.config_path = InitConfigPath(ctx, config.nymvisor.id);
  NoteConfigChanges(result.config_path, config, deps.files, &result);
  if (!result.previous && pre.daemon.user.empty()) {
    NoteAccountChoice(config, home_existed, &result.notes);
  }
  NV_RETURN_IF_ERROR(SaveConfigFile(config, result.config_path, deps.files));
  return result;
}

}  // namespace nymvisor
