#include "agent/cli/adopt_cli.h"

#include <cctype>

#include "agent/adapters/system_account.h"
#include "agent/base/strings.h"
#include "agent/cli/cli.h"
#include "agent/config/config_locator.h"
#include "agent/config/instance_config.h"
#include "agent/records/layout.h"

namespace nymvisor {
namespace {

constexpr Duration kSystemctlTimeout = std::chrono::seconds(30);

}  // namespace

AdoptCli::AdoptCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand(
      "adopt",
      "As root: put an existing setup under nymvisor's units without downloading or moving "
      "anything: the original nymvisor's instance (its config and data directory, history and "
      "queue kept), or with --daemon-unit a node that runs from a unit of its own (as Nym's "
      "Ansible playbook installs it). --undo takes it back.");
  app_->add_option("--id", id_,
                   "The instance id (default: the original's id, or the unit's binary name)");
  app_->add_option("--original-config", original_config_,
                   "The original's config.toml [default: "
                   "$HOME/.nym/nymvisors/instances/ID/config/config.toml]")
      ->type_name("PATH");
  app_->add_option("--daemon-unit", unit_,
                   "Adopt the node that runs from this unit (its ExecStart is the genesis "
                   "binary and its arguments)")
      ->type_name("UNIT");
  app_->add_option("--daemon-home", home_,
                   "The node's home [default: from the original's config; for a nym-node "
                   "unit, $HOME/.nym/nym-nodes/<its --id, else default-nym-node>]")
      ->type_name("PATH");
  app_->add_option("--daemon-user", user_,
                   "The node's account [default: the unit's User=, else the owner of the home]");
  app_->add_flag("--undo", undo_, "Take a previous adopt of --id back");
  app_->add_option("DAEMON_ARGS", args_,
                   "The node's arguments (after --), as in the original's 'nymvisor run ARGS'");
  app_->footer(
      "Usage: nymvisor adopt [--id ID] [--original-config PATH] [-- DAEMON_ARGS...]\n"
      "       nymvisor adopt --daemon-unit UNIT [--id ID] [--daemon-home PATH]\n"
      "       nymvisor adopt --undo --id ID");
}

Status AdoptCli::Run() {
  if (!inv_->ctx.is_root) return Status::Error("adopt must run as root (it writes /etc/nymvisor)");
  if (undo_) return Undo();
  return unit_.empty() ? AdoptOriginal() : AdoptUnit();
}

std::filesystem::path AdoptCli::RecordPath(const std::string& id) const {
  return inv_->ctx.etc_dir / (id + ".adopted");
}

Result<std::filesystem::path> AdoptCli::FindOriginalConfig() const {
  if (!original_config_.empty()) return std::filesystem::path(original_config_);
  LocatorContext locator = inv_->Locator();
  // --id names the original's instance, or the new id of the only one
  // (`adopt --id mixnode-fra1` for an original 'mixnode@fra1').
  if (!id_.empty() && Exists(inv_->ctx.files, UserConfigPath(locator.home, id_))) {
    return UserConfigPath(locator.home, id_);
  }
  std::filesystem::path instances = locator.home / ".nym" / "nymvisors" / "instances";
  Result<std::vector<std::string>> found = inv_->ctx.files.ListDirectory(instances);
  if (!found.ok() || found->size() != 1) {
    return Status::Error(
        "no single instance of the original nymvisor in " + instances.string() +
        (found.ok() ? " (" + std::to_string(found->size()) + " found)" : "") +
        ": name it with --id or --original-config, or adopt a node unit with --daemon-unit");
  }
  return UserConfigPath(locator.home, found->front());
}

Result<LoadedConfig> AdoptCli::ReadOriginalConfig(const std::filesystem::path& path) const {
  // The original's files belong to whoever ran it: read them as that account.
  std::string owner = inv_->ctx.files.OwnerName(path).value_or("root");
  Result<Scope> as_owner =
      owner != "root" && inv_->ctx.act_as ? inv_->ctx.act_as(owner) : Result<Scope>(Scope());
  NV_RETURN_IF_ERROR(as_owner.status());
  NV_RETURN_IF_ERROR(CheckOriginalId(path));
  // A new --id replaces the original's, which may be outside our id rule.
  EnvLookup new_id = [this](std::string_view name) -> std::optional<std::string> {
    if (name == kIdEnvVar && !id_.empty()) return id_;
    return std::nullopt;
  };
  return LoadConfigFile(path, new_id, inv_->ctx.files);
}

namespace {

/// A valid id close to `id`: each character the rule refuses becomes '-'.
std::string SuggestedId(const std::string& id) {
  std::string out;
  for (char c : id) {
    bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-';
    out += ok ? c : '-';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out.empty() ? "mynode" : out.substr(0, 128);
}

}  // namespace

Status AdoptCli::CheckOriginalId(const std::filesystem::path& path) const {
  if (!id_.empty()) return {};
  std::optional<std::string> id = IdInConfigFile(path, inv_->ctx.files);
  if (!id) return {};
  Status st = ValidateInstanceId(*id);
  if (st.ok()) return {};
  return Status::Refused(
      "InvalidOriginalId",
      "the original's " + st.message() + " (an id here names units and files); take it " +
          "over under a valid id: nymvisor adopt --id " + SuggestedId(*id) +
          (original_config_.empty() ? "" : " --original-config " + path.string()));
}

Status AdoptCli::AdoptOriginal() {
  NV_ASSIGN_OR_RETURN(std::filesystem::path path, FindOriginalConfig());
  Result<LoadedConfig> loaded = ReadOriginalConfig(path);
  if (!loaded.ok() && loaded.status().IsRefused()) return loaded.status();
  if (!loaded.ok()) {
    return loaded.status().WithContext("no config of the original nymvisor to adopt");
  }
  Config config = loaded->config;
  if (!id_.empty()) config.nymvisor.id = id_;
  if (Status st = ValidateInstanceId(config.nymvisor.id); !st.ok()) {
    return st.WithContext("choose another id with --id");
  }
  if (!home_.empty()) config.daemon.home = home_;
  if (!user_.empty()) config.daemon.user = user_;
  if (!args_.empty()) config.daemon.args = args_;
  if (config.nymvisor.upgrade_data_directory.empty()) {
    std::filesystem::path home = OriginalHomeOf(path).value_or(inv_->Locator().home);
    config.nymvisor.upgrade_data_directory =
        OriginalDataDirectory(home, config.daemon.name).string();
  }
  Layout layout = MakeLayout(config);
  if (!Exists(inv_->ctx.files, layout.PlanFile()) ||
      !inv_->ctx.files.ReadSymlink(layout.CurrentLink()).ok()) {
    return Status::Error(layout.data_dir.string() +
                         " has no upgrade-plan.json and current link: not the data directory "
                         "of the original nymvisor's instance (set upgrade_data_directory)");
  }
  if (config.daemon.args.empty()) {
    inv_->ctx.err << "warning: no daemon arguments given: the node starts with none; pass "
                     "those of your unit's 'nymvisor run ARGS' after --\n";
  }
  std::string genesis = (layout.GenesisDir() / "bin" / config.daemon.name).string();
  return InitAndRecord(config, genesis,
                       {"original", path.string(), "", genesis, EffectiveUnit(config)});
}

Result<std::string> AdoptCli::ShowUnit(const std::string& property) const {
  NV_ASSIGN_OR_RETURN(ProcessResult shown, inv_->ctx.processes.Run({"systemctl", "show", "-p",
                                                                    property, "--value", unit_},
                                                                   kSystemctlTimeout));
  if (!shown.Succeeded()) {
    return Status::Error("systemctl show " + unit_ + " " + shown.Describe() + ": " + shown.err);
  }
  std::string value = shown.out;
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

Status AdoptCli::AdoptUnit() {
  NV_ASSIGN_OR_RETURN(std::string load_state, ShowUnit("LoadState"));
  if (load_state != "loaded") {
    return Status::Error("--daemon-unit: " + unit_ + " is " + load_state + ", not a loaded unit");
  }
  NV_ASSIGN_OR_RETURN(std::string exec_start, ShowUnit("ExecStart"));
  Result<std::vector<std::string>> argv = ParseShownExecStart(exec_start);
  if (!argv.ok()) return argv.status().WithContext("--daemon-unit " + unit_);
  std::string binary = argv->front();
  if (binary.ends_with("/nymvisor")) {
    return Status::Error(unit_ + " already runs the node through nymvisor");
  }
  NV_ASSIGN_OR_RETURN(std::string unit_user, ShowUnit("User"));
  std::string user = !user_.empty() ? user_ : (unit_user.empty() ? "root" : unit_user);
  std::vector<std::string> args =
      args_.empty() ? std::vector<std::string>(argv->begin() + 1, argv->end()) : args_;
  std::string name = std::filesystem::path(binary).filename().string();
  std::string home = home_;
  if (home.empty() && name == "nym-node") {
    NV_ASSIGN_OR_RETURN(SystemAccount account, LookUpAccount(user));
    home = NymNodeHome(account.home, args).string();
  }
  if (home.empty()) {
    return Status::Usage("--daemon-home is needed: where does " + name + " keep its files?");
  }
  Config config = DefaultConfig(name);
  config.nymvisor.id = id_.empty() ? name : id_;
  NV_RETURN_IF_ERROR(ValidateInstanceId(config.nymvisor.id).WithContext("choose one with --id"));
  config.daemon.home = home;
  config.daemon.unit = unit_;
  config.daemon.user = user;
  config.daemon.args = args;
  NV_RETURN_IF_ERROR(KeepRestartSettings(&config));
  return InitAndRecord(config, binary, {"unit", unit_, "", binary, unit_});
}

Status AdoptCli::KeepRestartSettings(Config* config) const {
  UnitRestartSettings shown;
  NV_ASSIGN_OR_RETURN(shown.restart, ShowUnit("Restart"));
  NV_ASSIGN_OR_RETURN(shown.restart_usec, ShowUnit("RestartUSec"));
  NV_ASSIGN_OR_RETURN(shown.start_limit_burst, ShowUnit("StartLimitBurst"));
  NV_ASSIGN_OR_RETURN(shown.start_limit_interval_usec, ShowUnit("StartLimitIntervalUSec"));
  NV_ASSIGN_OR_RETURN(shown.timeout_stop_usec, ShowUnit("TimeoutStopUSec"));
  return KeepUnitRestartSettings(shown, unit_, config);
}

Status AdoptCli::InitAndRecord(const Config& config, const std::string& binary,
                               AdoptRecord record) {
  const std::string& id = config.nymvisor.id;
  std::filesystem::path ours = inv_->ctx.etc_dir / (id + ".toml");
  if (Exists(inv_->ctx.files, ours)) {
    return Status::Error(ours.string() + " exists: instance '" + id +
                         "' is already set up here ('nymvisor init' changes it)");
  }
  inv_->ctx.err << "adopting: nymvisor init --id " << id << " ... " << binary << " -- "
                << Join(config.daemon.args, " ") << "\n";
  int rc = RunCli(InitArgumentsFor(config, binary), inv_->ctx);
  if (rc != 0) return Status::Error("adopt stopped: init failed (see above); nothing else changed");
  record.config_path = ours.string();
  NV_RETURN_IF_ERROR(
      inv_->ctx.files.WriteFileAtomic(RecordPath(id), FormatAdoptRecord(record), 0644));
  std::ostream& err = inv_->ctx.err;
  err << "adopted " << (record.kind == "original" ? "the original nymvisor's instance from " : "")
      << record.source << " as instance '" << id << "': nothing was downloaded or moved";
  if (record.kind == "original") {
    err << "; its history and queue in " << config.nymvisor.upgrade_data_directory
        << " are kept.\nNext: stop the original's agent (the unit that runs 'nymvisor run'), "
           "then: systemctl enable --now nymvisor@"
        << id << "\n";
  } else {
    err << ".\n"
        << unit_ << " keeps running " << binary << " until its next start, then runs the same "
        << "version through 'nymvisor exec " << id << "'.\nNext: systemctl enable --now nymvisor@"
        << id << "\n";
  }
  err << "To go back: nymvisor adopt --undo --id " << id << "\n";
  return {};
}

Status AdoptCli::Undo() {
  if (id_.empty()) return Status::Usage("adopt --undo needs --id");
  Result<std::string> text = inv_->ctx.files.ReadTrusted(RecordPath(id_));
  if (!text.ok()) {
    return Status::Error("instance '" + id_ + "' was not adopted (" + text.status().message() +
                         "); nothing to undo");
  }
  NV_ASSIGN_OR_RETURN(AdoptRecord record, ParseAdoptRecord(*text));
  if (ConnectAgent(*inv_, id_).ok()) {
    return Status::Error("the agent of '" + id_ +
                         "' is running: systemctl disable --now nymvisor@" + id_ + " first");
  }
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded,
                      LoadConfigFile(record.config_path, inv_->Env(), inv_->ctx.files));
  std::string kept = record.config_path + ".undone";
  NV_RETURN_IF_ERROR(inv_->ctx.files.Rename(record.config_path, kept));
  std::filesystem::path env_file = inv_->ctx.etc_dir / (id_ + ".env");
  if (Exists(inv_->ctx.files, env_file)) {  // else the generator would see a broken instance
    NV_RETURN_IF_ERROR(inv_->ctx.files.Rename(env_file, env_file.string() + ".undone"));
  }
  NV_RETURN_IF_ERROR(inv_->ctx.files.RemoveAll(RecordPath(id_)));
  if (inv_->ctx.reload_systemd) (void)inv_->ctx.reload_systemd();
  std::string current = MakeLayout(loaded.config).CurrentBinary().string();
  std::ostream& err = inv_->ctx.err;
  err << "instance '" << id_ << "' is no longer nymvisor's; its config is kept as " << kept
      << " (and an env file as .env.undone).\n";
  if (record.kind == "unit") {
    err << record.unit << " runs " << record.binary << " again from its next start. The node "
        << "now runs " << current << "; if that is a newer version, copy it first: install -m "
        << "0755 " << current << " " << record.binary << "\n";
  } else {
    err << "Start the original's agent again; upgrades applied meanwhile are in its data "
           "directory and history, which it reads.\n";
  }
  return {};
}

}  // namespace nymvisor
