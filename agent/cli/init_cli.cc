#include "agent/cli/init_cli.h"

#include <map>

#include "agent/adapters/posix_process_runner.h"
#include "agent/base/strings.h"
#include "agent/base/url_redaction.h"
#include "agent/cli/cli_usage_errors.h"
#include "agent/config/config_change.h"
#include "agent/config/config_keys.h"
#include "agent/config/upstream_source.h"

namespace nymvisor {

InitCli::InitCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand("init", "Initialise a nymvisor instance for a daemon binary");
  app_->add_option("DAEMON_BINARY", flags_.daemon_binary, "Path to the daemon's executable")
      ->required();
  app_->add_option("DAEMON_ARGS", args_,
                   "Arguments the daemon is started with (after --; without --, a re-run keeps "
                   "the existing ones; -- alone clears them)");
  app_->add_flag("--reset", flags_.reset,
                 "Start from the defaults instead of keeping the existing config's settings");
  app_->add_flag("--force", flags_.force,
                 "Move the daemon home even though upgrades are queued in the old one");
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.init.name.empty()) AddKeyFlag(key);
  }
  AddRaw(app_, &raw_, "--build-info-timeout", "Time limit for the binary's build-info")
      ->option->type_name("DURATION")
      ->default_str("30s");
  AddOutputOption(app_, inv);
}

void InitCli::AddKeyFlag(const ConfigKey& key) {
  std::string flag(key.init.name);
  if (key.init.bare()) {
    app_->add_flag(flag, bare_[flag], std::string(key.init.help));
    return;
  }
  if (!key.alias.flag.empty()) {
    AddRaw(app_, &raw_, std::string(key.alias.flag), "Older name of " + flag)
        ->option->type_name(std::string(ValueTypeName(key.kind)));
  }
  if (key.list_separator != 0) {
    app_->add_option(flag, repeated_[flag], std::string(key.init.help))
        ->allow_extra_args(false)
        ->type_name(std::string(ValueTypeName(ValueKind::kText)))
        ->default_str(std::string(key.init.default_text));
    return;
  }
  std::string shown(key.init.default_text);
  if (shown.empty()) shown = ValueAsText(key, DefaultConfig("nym-node"));
  CLI::Option* option = AddRaw(app_, &raw_, flag, std::string(key.init.help))->option;
  option->type_name(key.init.form == FlagForm::kOptionalValue
                        ? "[" + std::string(ValueTypeName(key.kind)) + "]"
                        : std::string(ValueTypeName(key.kind)));
  if (!shown.empty()) option->default_str(shown);
}

namespace {

/// Whether the word after an optional-value flag at `i` is its value: a
/// true/false word, or a word that cannot be DAEMON_BINARY (no '/', and
/// another plain word follows it, where the binary would have "--" or an
/// option after it), so a mistyped value is named in the error rather than
/// taken for the binary.
bool NextIsValue(const std::vector<std::string>& words, size_t i) {
  if (i + 1 >= words.size()) return false;
  const std::string& next = words[i + 1];
  if (ParseBoolText(next).ok()) return true;
  if (next.starts_with("-") || next.find('/') != std::string::npos) return false;
  return i + 2 < words.size() && !words[i + 2].starts_with("-");
}

}  // namespace

std::vector<std::string> GiveInitFlagsTheirValue(const std::vector<std::string>& words) {
  if (CommandWord(words) != "init") return words;
  std::vector<std::string> out;
  bool daemons = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    daemons = daemons || word == "--";
    const ConfigKey* key = daemons ? nullptr : FindKeyByInitFlag(word);
    bool optional = key != nullptr && key->init.form == FlagForm::kOptionalValue;
    out.push_back(optional && !NextIsValue(words, i) ? word + "=true" : word);
  }
  return out;
}

Status InitCli::Run() {
  NV_RETURN_IF_ERROR(ConvertFlags());
  if (!args_.empty() || inv_->double_dash) flags_.daemon_args = args_;
  if (!inv_->id.empty()) {  // `nymvisor --id X init ...`
    auto given = flags_.settings.find("nymvisor.id");
    if (given != flags_.settings.end() && given->second != inv_->id) {
      return Status::Refused(kOtherInstanceReason, "--id is given twice, '" + inv_->id +
                                                       "' before the command and '" +
                                                       given->second + "' after it; give it once");
    }
    flags_.Set("nymvisor.id", inv_->id);
  }
  InitDeps deps{
      .files = inv_->ctx.files,
      .processes = inv_->ctx.processes,
      .clock = inv_->ctx.clock,
      .user_exists = UserExists,
      .stage = [this](const std::string& user,
                      std::string* path) { return StageOperatorBinary(*inv_, user, path); },
      .enter_node =
          [this](const Config& config) {
            return EnterNodeAccount(*inv_, config, /*writes=*/true);
          }};
  NV_ASSIGN_OR_RETURN(InitResult result, RunInit(flags_, inv_->Locator(), inv_->Env(), deps));
  for (const std::string& note : result.notes) {
    inv_->ctx.err << "note: " << RedactUrlsIn(note) << "\n";
  }
  inv_->ctx.err << "upstream: " << DescribeUpstream(result.config) << ": " << result.upstream.why
                << "\n";
  inv_->ctx.err << "nymvisor instance '" << result.config.nymvisor.id
                << "' initialised; config written to " << result.config_path.string() << "\n";
  NV_RETURN_IF_ERROR(SetUpAccess(result));
  ApplyToSystemd(result);
  ReachRunningAgent(result);
  PrintConfig(*inv_, result.config);
  return {};
}

Status InitCli::SetUpAccess(const InitResult& result) {
  std::ostream& err = inv_->ctx.err;
  const Config& config = result.config;
  if (!inv_->ctx.is_root || !inv_->ctx.refresh_access) return {};
  NV_ASSIGN_OR_RETURN(std::vector<std::string> changed,
                      inv_->ctx.refresh_access(config, result.config_path));
  for (const std::string& note : changed) err << "note: " << note << "\n";
  if (config.daemon.user != "root") {
    err << "the agent runs as '" << config.daemon.user
        << "' with no capabilities; polkit lets it start, stop and restart "
        << EffectiveUnit(config) << " and no other unit\n";
    return {};
  }
  err << "warning: the node runs as root, so its agent must run as root too, and root that can "
         "reach systemd's bus can control every unit whatever its unit file says. Prefer a node "
         "account: create one (useradd --system --home-dir "
      << config.daemon.home << " nym), give it the home (chown -R nym:nym " << config.daemon.home
      << ") and run init again with --daemon-user nym\n";
  return {};
}

void InitCli::ApplyToSystemd(const InitResult& result) {
  std::ostream& err = inv_->ctx.err;
  const std::string& id = result.config.nymvisor.id;
  if (!inv_->ctx.is_root || !inv_->ctx.reload_systemd) return;
  if (result.config_path != inv_->ctx.etc_dir / (id + ".toml")) {
    err << "note: the units only see configs in " << inv_->ctx.etc_dir.string()
        << "; set NYMVISOR_CONFIG_PATH=" << result.config_path.string() << " in "
        << (inv_->ctx.etc_dir / (id + ".env")).string() << "\n";
  }
  Status reloaded = inv_->ctx.reload_systemd();
  if (reloaded.IsNotFound()) return;
  if (!reloaded.ok()) {
    err << "warning: " << reloaded.message() << "; run 'systemctl daemon-reload'\n";
    return;
  }
  err << "systemd reloaded: " << EffectiveUnit(result.config) << " runs the node as "
      << result.config.daemon.user << "; start it with 'systemctl enable --now nymvisor@" << id
      << "'\n";
}

void InitCli::ReachRunningAgent(const InitResult& result) {
  if (!result.previous) return;
  ConfigChange change = DiffConfigs(*result.previous, result.config);
  if (change.empty()) return;
  std::ostream& err = inv_->ctx.err;
  const std::string& id = result.config.nymvisor.id;
  Result<std::unique_ptr<ControlClient>> client = ConnectAgent(*inv_, id);
  if (!client.ok()) {
    err << "no agent is running for '" << id << "'; it reads the new config when it starts\n";
  } else if (!change.agent_restart.empty()) {
    err << Join(change.agent_restart, ", ") << " changed, which a reload cannot apply: restart "
        << "the agent (systemctl restart nymvisor@" << id << ")\n";
  } else if (Status st = (*client)->Reload(); st.ok()) {
    err << "the running agent reloaded its config and now uses the new "
        << Join(change.reloadable, ", ") << "\n";
  } else {
    err << "warning: the running agent did not reload (" << st.message()
        << "); run 'systemctl reload nymvisor@" << id << "'\n";
  }
  if (!change.node_start.empty()) {
    err << "the node takes " << Join(change.node_start, ", ") << " at its next start ("
        << "systemctl restart " << EffectiveUnit(result.config) << ")\n";
  }
}

Status InitCli::ConvertFlags() {
  for (const auto& [flag, given] : bare_) {
    if (given) flags_.Set(FindKeyByInitFlag(flag)->FullName(), "true");
  }
  std::map<std::string, std::string> set_by;  // key -> the flag that set it
  for (const auto& [flag, raw] : raw_) {
    if (!raw.given() || flag == "--build-info-timeout") continue;
    std::string key = FindKeyByInitFlag(flag)->FullName();
    if (auto [other, fresh] = set_by.emplace(key, flag); !fresh) {
      return Status::Error(other->second + " and " + flag + " both set " + key +
                           " (one is the other's older name); give one of them");
    }
    flags_.Set(key, raw.text);
  }
  for (const auto& [flag, items] : repeated_) {
    const ConfigKey* key = FindKeyByInitFlag(flag);
    if (!items.empty())
      flags_.Set(key->FullName(), Join(items, std::string(1, key->list_separator)));
  }
  std::optional<Duration> timeout;
  NV_RETURN_IF_ERROR(
      Convert(raw_["--build-info-timeout"], "--build-info-timeout", ParseDuration, &timeout));
  if (timeout) flags_.build_info_timeout = *timeout;
  return {};
}

}  // namespace nymvisor
