#include "agent/cli/cli_support.h"

#include <nlohmann/json.hpp>

#include "agent/base/url_redaction.h"
#include "agent/config/config_keys.h"
#include "agent/config/config_report.h"
#include "agent/records/layout.h"

namespace nymvisor {

RawOption* AddRaw(CLI::App* app, std::map<std::string, RawOption>* raw, const std::string& flag,
                  const std::string& help) {
  RawOption& r = (*raw)[flag];
  r.option = app->add_option(flag, r.text, help);
  return &r;
}

Result<uint64_t> ParseCountText(std::string_view text) {
  Config scratch;
  NV_RETURN_IF_ERROR(SetFromText(*FindConfigKey("daemon", "max_startup_failures"), text, &scratch));
  return scratch.daemon.max_startup_failures;
}

Result<std::string> AsText(std::string_view text) { return std::string(text); }

EnvLookup Invocation::Env() const {
  return [this](std::string_view name) -> std::optional<std::string> {
    for (auto it = env_file.rbegin(); it != env_file.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return ctx.env(name);
  };
}

LocatorContext Invocation::Locator() const {
  LocatorContext locator = MakeLocatorContext(Env(), ctx.is_root, ctx.etc_dir);
  if (!id.empty()) locator.id = id;
  return locator;
}

Result<std::unique_ptr<ControlClient>> ConnectAgent(const Invocation& inv, const std::string& id) {
  if (!inv.ctx.connect_control) return Status::NotFound("nothing can reach an agent here");
  return inv.ctx.connect_control(id);
}

void AddIdOption(CLI::App* app, Invocation* inv) { app->add_option("--id", inv->id, kIdHelp); }

void AddOutputOption(CLI::App* app, Invocation* inv) {
  app->add_option("-o,--output", inv->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

namespace {

std::optional<std::string> NonEmpty(std::optional<std::string> text) {
  if (text && text->empty()) return std::nullopt;
  return text;
}

}  // namespace

Status CheckAskedInstance(const Invocation& inv, const std::optional<std::string>& asked,
                          const std::string& asked_by, std::optional<std::string> config_path) {
  InstanceNames names;
  names.asked = NonEmpty(asked);
  names.asked_by = asked_by;
  names.asked_by_exec = asked_by != "--id";
  names.env_id = NonEmpty(inv.Env()(kIdEnvVar));
  names.config_path = config_path ? config_path : NonEmpty(inv.Env()(kConfigPathEnvVar));
  if (names.config_path && (names.asked || names.env_id)) {
    names.file_id = IdInConfigFile(*names.config_path, inv.ctx.files);
  }
  return CheckOneInstance(names);
}

Result<LoadedConfig> LoadConfigForCommand(const Invocation& inv, std::optional<std::string> id) {
  if (!id && !inv.id.empty()) id = inv.id;
  NV_RETURN_IF_ERROR(CheckAskedInstance(inv, id));
  LocatorContext locator = inv.Locator();
  if (id) locator.id = id;
  return LoadConfigWith(inv, locator);
}

Result<LoadedConfig> LoadConfigWith(const Invocation& inv, const LocatorContext& locator) {
  Result<LoadedConfig> loaded = LoadInstanceConfig(locator, inv.Env(), inv.ctx.files);
  if (loaded.ok()) {
    for (const std::string& w : loaded->warnings)
      inv.ctx.err << "warning: " << RedactUrlsIn(w) << "\n";
  }
  return loaded;
}

std::string NodeAccount(const Config& config, FileSystem& files) {
  if (!config.daemon.user.empty()) return config.daemon.user;
  Result<std::string> owner = files.OwnerName(config.daemon.home);
  return owner.ok() ? *owner : "";
}

Status ExplainAccountError(const Status& status, const Config& config, const std::string& user) {
  if (status.ok() || !status.IsNotFound()) return status;
  std::string source = config.daemon.user.empty()
                           ? "the owner of daemon.home (" + config.daemon.home + ")"
                           : "daemon.user";
  return Status::Error(source + " names '" + user +
                       "', which is not an account on this host: create it (adduser --system " +
                       user + ") or set daemon.user to the account the node runs as");
}

namespace {

/// nymvisor's directories that an older install left to root go to the
/// node's account, which the agent now runs as.
Status HandOverOldDirectories(const Invocation& inv, const Config& config,
                              const std::string& user) {
  Layout layout = MakeLayout(config);
  for (const auto& dir : {layout.nymvisor_dir, layout.data_dir, layout.backup_dir}) {
    Result<FileInfo> info = inv.ctx.files.Stat(dir);
    if (!info.ok() || info->uid != 0) continue;
    NV_RETURN_IF_ERROR(inv.ctx.files.SetOwner(dir, user, user, /*recursive=*/true));
    inv.ctx.err << "note: handed " << dir.string() << " over to '" << user
                << "', the account its agent runs as\n";
  }
  return {};
}

}  // namespace

Result<Scope> EnterNodeAccount(const Invocation& inv, const Config& config, bool writes) {
  std::string user = NodeAccount(config, inv.ctx.files);
  if (!inv.ctx.is_root || !inv.ctx.act_as || user.empty() || user == "root") {
    return Scope();
  }
  if (writes) NV_RETURN_IF_ERROR(HandOverOldDirectories(inv, config, user));
  Result<Scope> scope = inv.ctx.act_as(user);
  if (!scope.ok()) return ExplainAccountError(scope.status(), config, user);
  return scope;
}

Result<Scope> StageOperatorBinary(const Invocation& inv, const std::string& user,
                                  std::string* path) {
  if (!inv.ctx.stage_binary) return Scope();
  return inv.ctx.stage_binary(*path, user, path);
}

void PrintConfig(const Invocation& inv, const Config& config) {
  if (inv.Json()) {
    inv.ctx.out << DumpJsonCompact(ConfigToJson(config)) << "\n";
  } else {
    inv.ctx.out << FormatConfigText(config);
  }
}

void PrintBuildInfo(const Invocation& inv, const BuildInfo& info) {
  if (inv.Json()) {
    inv.ctx.out << DumpJsonCompact(BuildInfoToJson(info)) << "\n";
  } else {
    inv.ctx.out << FormatBuildInfoText(info);
  }
}

}  // namespace nymvisor
