#include "agent/cli/init_command.h"

#include <algorithm>

#include "agent/cli/node_api_plan.h"
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
  if (flags.daemon_args) config->daemon.args = *flags.daemon_args;
  return {};
}

std::string MakeAbsolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return std::filesystem::absolute(path).lexically_normal().string();
}

/// What to do when init is given another binary than the instance's genesis:
/// init only ever accepts that binary again.
std::string OtherBinaryAdvice(const Layout& layout, const std::string& genesis_version) {
  return "this instance's genesis is version " + genesis_version +
         " and init accepts only that binary again. To run another version, queue it: "
         "'nymvisor add-upgrade BINARY --upgrade-name NAME' (add --now to apply it at once); "
         "to start over from this binary instead, stop the instance and remove " +
         layout.data_dir.string() + " (its upgrades, history and state go with it), then run init";
}

/// The upstream a re-run keeps, or the one the flags and variables choose
/// (config/upstream_source's rules), written into `config`. A re-run that
/// names neither a source nor a URL keeps what the existing config follows:
/// init changes only what its flags name.
UpstreamChoice ChooseInitUpstream(const InitFlags& flags, const EnvLookup& env,
                                  const std::optional<Config>& base, Config* config) {
  std::vector<UpstreamMentions> layers = {MentionsInFlags(flags.settings), MentionsInEnv(env)};
  bool named = std::any_of(layers.begin(), layers.end(), [](const UpstreamMentions& layer) {
    return !layer.source.empty() || !layer.url.empty();
  });
  if (base && !named) {
    return {config->nymvisor.upstream_source, "kept from the existing config"};
  }
  return ResolveUpstreamSource(layers, config);
}

/// A validation error ("daemon.home: ...") names what the operator typed:
/// the variable that set the key (variables beat flags), else its flag.
Status NameTheSetting(const Status& error, const InitFlags& flags, const EnvLookup& env) {
  const ConfigKey* key = KeyOfError(error);
  if (key == nullptr) return error;
  if (!key->env_var.empty() && env(key->env_var)) {
    return error.WithContext("environment variable " + std::string(key->env_var));
  }
  if (flags.settings.contains(key->FullName()) && !key->init.name.empty()) {
    return error.WithContext(std::string(key->init.name));
  }
  return error;
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
                         ", commit " + build.commit_sha + "; " +
                         OtherBinaryAdvice(layout, existing.build_version));
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
                         " describes a different binary (version " + existing->version + "); " +
                         OtherBinaryAdvice(store.layout(), existing->version));
  }
  Result<UpgradePlan> plan = store.LoadPlan();
  if (!plan.ok() && !plan.status().IsNotFound()) return plan.status();
  if (plan.ok() && plan->current.name == "genesis" && plan->current.binary_details &&
      *plan->current.binary_details != *genesis.binary_details) {
    return Status::Error(store.layout().PlanFile().string() +
                         " already exists for a different genesis binary; " +
                         OtherBinaryAdvice(store.layout(), plan->current.version));
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

/// Says which values a re-run changes (flags, variables, --reset), so
/// nothing changes silently.
void NoteConfigChanges(const std::filesystem::path& path, const Config& next, InitResult* result) {
  if (!result->previous) return;
  for (const ConfigKey& key : AllConfigKeys()) {
    std::string before = ValueAsText(key, *result->previous);
    std::string after = ValueAsText(key, next);
    if (before != after) {
      result->notes.push_back(path.string() + ": " + key.FullName() + " changes from '" + before +
                              "' to '" + after + "'");
    }
  }
}

}  // namespace

Result<Config> BuildInitConfig(const BuildInfo& build, const InitFlags& flags, const EnvLookup& env,
                               const std::optional<Config>& base, UpstreamChoice* upstream) {
  Config config = base ? *base : DefaultConfig(build.binary_name);
  NV_RETURN_IF_ERROR(ApplyFlags(flags, &config));
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &config));
  UpstreamChoice choice = ChooseInitUpstream(flags, env, base, &config);
  if (upstream) *upstream = choice;
  if (config.daemon.home.empty()) {
    return Status::Error(kNoHome);
  }
  config.daemon.home = MakeAbsolute(config.daemon.home);
  config.nymvisor.upgrade_data_directory = MakeAbsolute(config.nymvisor.upgrade_data_directory);
  config.daemon.backup_data_directory = MakeAbsolute(config.daemon.backup_data_directory);
  config.daemon.unit = EffectiveUnit(config);
  NV_RETURN_IF_ERROR(NameTheSetting(ValidateConfig(config), flags, env));
  return config;
}

namespace {

/// What init knows of the instance before it probes the binary.
struct Existing {
  std::optional<std::filesystem::path> path;  ///< the config file to write, when the id is known
  std::optional<Config> previous;             ///< that file's config (a re-run)
  std::optional<Config> base;                 ///< what the flags apply to: previous, unless --reset
};

/// --id, NYMVISOR_ID and the config NYMVISOR_CONFIG_PATH names must agree,
/// so that init never rewrites another instance's config.
Status CheckInitInstance(const InitFlags& flags, const LocatorContext& ctx, const EnvLookup& env,
                         FileSystem& files) {
  InstanceNames names;
  if (auto it = flags.settings.find("nymvisor.id"); it != flags.settings.end()) {
    names.asked = it->second;
  }
  names.env_id = env(kIdEnvVar);
  if (names.env_id && names.env_id->empty()) names.env_id.reset();
  names.config_path = ctx.config_path_env;
  if (names.config_path) names.file_id = IdInConfigFile(*names.config_path, files);
  return CheckOneInstance(names);
}

/// Reads the config a re-run rewrites. One that exists but cannot be read
/// stops init, unless --reset says its values do not matter.
Status ReadExisting(const std::filesystem::path& path, bool reset, FileSystem& files,
                    Existing* existing) {
  existing->path = path;
  if (!Exists(files, path)) return {};
  EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  Result<LoadedConfig> loaded = LoadConfigFile(path, no_env, files);
  if (!loaded.ok()) {
    if (reset) return {};
    return loaded.status().WithContext(
        "init keeps the settings of the existing config, which cannot be used; fix it, or run "
        "init with --reset to start from the defaults");
  }
  existing->previous = loaded->config;
  if (!reset) existing->base = loaded->config;
  return {};
}

/// The existing config, when its place is known before the binary is
/// probed: NYMVISOR_CONFIG_PATH, or the id from --id or NYMVISOR_ID.
Result<Existing> FindExisting(const InitFlags& flags, const LocatorContext& ctx,
                              const EnvLookup& env, FileSystem& files) {
  Existing existing;
  std::optional<std::string> id = env(kIdEnvVar);
  if (auto it = flags.settings.find("nymvisor.id"); it != flags.settings.end()) id = it->second;
  if (id && id->empty()) id.reset();
  if (!ctx.config_path_env && !id) return existing;
  // The id becomes a file name: check it before it is used as one.
  if (id) NV_RETURN_IF_ERROR(ValidateInstanceId(*id).WithContext("nymvisor.id"));
  NV_RETURN_IF_ERROR(
      ReadExisting(InitConfigPath(ctx, id.value_or("")), flags.reset, files, &existing));
  return existing;
}

/// The exact command that creates a missing node account.
std::string UseraddHint(const std::string& user, const std::string& home) {
  return "create it with 'useradd --system --user-group --home-dir " + home +
         " --shell /usr/sbin/nologin " + user + "' (then give it the home: chown -R " + user + ":" +
         user + " " + home + ") and run init again";
}

/// The config as far as it is known before the binary is probed: enough for
/// the home, the layout and the node's account. Checks the given account.
Result<Config> PreliminaryConfig(const InitFlags& flags, const Existing& existing,
                                 const EnvLookup& env, const InitDeps& deps) {
  Config pre = existing.base ? *existing.base : DefaultConfig("");
  NV_RETURN_IF_ERROR(ApplyFlags(flags, &pre));  // a bad flag is named before anything runs
  NV_RETURN_IF_ERROR(ApplyEnvOverrides(env, &pre));
  if (pre.daemon.home.empty()) return Status::Error(kNoHome);
  pre.daemon.home = MakeAbsolute(pre.daemon.home);
  if (!pre.daemon.user.empty() && deps.user_exists && !deps.user_exists(pre.daemon.user)) {
    return Status::Error("--daemon-user (daemon.user): no account named '" + pre.daemon.user +
                         "'; " + UseraddHint(pre.daemon.user, pre.daemon.home));
  }
  return pre;
}

/// A new home (or data directory) leaves the old one's queued upgrades
/// behind: the instance would start over from genesis in the new place. A
/// mistyped --daemon-home must not do that silently.
Status CheckHomeMove(const Existing& existing, const Config& next, const InitFlags& flags,
                     FileSystem& files) {
  if (!existing.previous || flags.force) return {};
  Layout before = MakeLayout(*existing.previous);
  Layout after = MakeLayout(next);
  if (before.home == after.home && before.data_dir == after.data_dir) return {};
  RecordStore store(files, before);
  Result<UpgradePlan> plan = store.LoadPlan();
  if (plan.status().IsNotFound()) return {};
  std::string move = "instance '" + next.nymvisor.id + "' would move from " + before.home.string() +
                     " to " + after.home.string();
  if (before.data_dir != after.data_dir) {
    move += " (data " + before.data_dir.string() + " to " + after.data_dir.string() + ")";
  }
  if (!plan.ok()) {
    return Status::Error(move + ", but the old plan cannot be read (" + plan.status().message() +
                         "); run init with --force to move it anyway");
  }
  if (plan->queued_up.empty()) return {};
  std::vector<std::string> queued;
  for (const UpgradeInfo& u : plan->queued_up) queued.push_back(u.name + " (" + u.version + ")");
  std::string list;
  for (const std::string& q : queued) list += (list.empty() ? "" : ", ") + q;
  return Status::Error(move + ", but " + before.PlanFile().string() +
                       " has upgrades queued: " + list +
                       "; they stay behind and the instance starts over from genesis. "
                       "If the new home is a typo, run init again without --daemon-home (the "
                       "home is kept) or with --daemon-home " +
                       before.home.string() + "; to move anyway, add --force");
}

/// Probes the binary and lays out the daemon home: the part of init that
/// works in the node's files (as the node's account, see RunInit).
Status InstallInstance(const InitFlags& flags, const std::string& binary, const Existing& existing,
                       const LocatorContext& ctx, const EnvLookup& env, const InitDeps& deps,
                       InitResult* result) {
  NV_ASSIGN_OR_RETURN(BuildInfo build,
                      ProbeBuildInfo(deps.processes, binary, flags.build_info_timeout));
  NV_ASSIGN_OR_RETURN(result->config,
                      BuildInitConfig(build, flags, env, existing.base, &result->upstream));
  Config& config = result->config;
  result->config_path = existing.path.value_or(InitConfigPath(ctx, config.nymvisor.id));
  if (!existing.path && !flags.reset && Exists(deps.files, result->config_path)) {
    // The id came from the binary's name: init did not know where to look.
    return Status::Error("instance '" + config.nymvisor.id + "' is already configured in " +
                         result->config_path.string() + "; run init with --id " +
                         config.nymvisor.id +
                         " to change its settings (the ones not named are kept), or with "
                         "--reset to start from the defaults");
  }
  NV_RETURN_IF_ERROR(CheckHomeMove(existing, config, flags, deps.files));
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

/// Suggests the health check's URLs from the node's own config.toml under
/// the home (read in the caller's scope: as the node's account), unless
/// either URL is set already. Silent when there is no such file.
void NoteNodeApi(const Config& config, FileSystem& files, std::vector<std::string>* notes) {
  if (!config.daemon.health_check_url.empty() || !config.daemon.build_info_url.empty()) return;
  std::filesystem::path path = std::filesystem::path(config.daemon.home) / "config/config.toml";
  Result<std::string> text = files.ReadFile(path);
  if (!text.ok()) return;
  std::optional<NodeApiUrls> urls = SuggestNodeApiUrls(*text, config.daemon.args);
  if (!urls) return;
  std::string from = urls->from == "--http-bind-address" ? "its --http-bind-address"
                     : urls->from == "the default"
                         ? "its default, as " + path.string() + " names none"
                         : urls->from + " in " + path.string();
  notes->push_back("daemon.health_check_url: not set; the node serves its HTTP API (address from " +
                   from + "): to have the health check ask the node too, run init again with " +
                   "--health-check-url " + urls->health + " --build-info-url " + urls->build_info);
}

}  // namespace

Result<InitResult> RunInit(const InitFlags& flags, const LocatorContext& ctx, const EnvLookup& env,
                           const InitDeps& deps) {
  NV_RETURN_IF_ERROR(CheckInitInstance(flags, ctx, env, deps.files));
  NV_ASSIGN_OR_RETURN(Existing existing, FindExisting(flags, ctx, env, deps.files));
  NV_ASSIGN_OR_RETURN(Config pre, PreliminaryConfig(flags, existing, env, deps));
  std::string binary = flags.daemon_binary;
  std::string account = pre.daemon.user;
  bool home_existed = Exists(deps.files, pre.daemon.home);
  if (account.empty()) account = deps.files.OwnerName(pre.daemon.home).value_or("");
  NV_ASSIGN_OR_RETURN(Scope staged, deps.stage ? deps.stage(account, &binary) : Scope());
  InitResult result;
  {
    // Root works in the daemon home only as the node's account: a symlink or
    // a binary planted there can do nothing that account could not.
    NV_ASSIGN_OR_RETURN(Scope as_node, deps.enter_node ? deps.enter_node(pre) : Scope());
    NV_RETURN_IF_ERROR(InstallInstance(flags, binary, existing, ctx, env, deps, &result));
    NoteNodeApi(result.config, deps.files, &result.notes);
  }
  Config& config = result.config;
  result.previous = existing.previous;
  if (!existing.path) {  // --reset without a known id: the old file is read now
    Existing late;
    if (ReadExisting(result.config_path, /*reset=*/true, deps.files, &late).ok()) {
      result.previous = late.previous;
    }
  }
  NoteConfigChanges(result.config_path, config, &result);
  if (!result.previous && pre.daemon.user.empty()) {
    NoteAccountChoice(config, home_existed, &result.notes);
  }
  NV_RETURN_IF_ERROR(SaveConfigFile(config, result.config_path, deps.files));
  return result;
}

}  // namespace nymvisor
