#include "agent/cli/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "agent/base/strings.h"
#include "agent/base/url_redaction.h"
#include "agent/base/version.h"
#include "agent/cli/add_upgrade_cli.h"
#include "agent/cli/adopt_cli.h"
#include "agent/cli/cli_support.h"
#include "agent/cli/cli_usage_errors.h"
#include "agent/cli/control_cli.h"
#include "agent/cli/exec_command.h"
#include "agent/cli/fleet_cli.h"
#include "agent/cli/init_cli.h"
#include "agent/decide/node_start_guard.h"
#include "agent/generator/generator.h"
#include "agent/generator/unit_dropins.h"
#include "agent/records/layout.h"
#include "agent/shell/build_info_probe.h"

namespace nymvisor {
namespace {

/// The small subcommands: config, build-info, daemon-build-info and exec.
struct SimpleCommands {
  CLI::App* config = nullptr;
  CLI::App* build_info = nullptr;
  CLI::App* daemon_build_info = nullptr;
  CLI::App* exec = nullptr;
  std::string exec_id;
  CLI::App* run = nullptr;
  CLI::App* refresh_access = nullptr;
  CLI::App* refuse_start = nullptr;
  std::string refuse_id;
};

void AddSimpleCommands(CLI::App* app, Invocation* inv, SimpleCommands* cmds) {
  cmds->config = app->add_subcommand("config", "Show the effective configuration");
  AddIdOption(cmds->config, inv);
  AddOutputOption(cmds->config, inv);
  cmds->build_info = app->add_subcommand("build-info", "Show nymvisor's build information");
  AddOutputOption(cmds->build_info, inv);
  cmds->daemon_build_info = app->add_subcommand(
      "daemon-build-info", "Show the build information of the daemon binary in use");
  AddIdOption(cmds->daemon_build_info, inv);
  AddOutputOption(cmds->daemon_build_info, inv);
  cmds->exec = app->add_subcommand(
      "exec", "Replace this process with the instance's current daemon binary (for its unit)");
  cmds->exec->add_option("ID", cmds->exec_id, "The instance id")->required();
  cmds->run = app->add_subcommand(
      "run",
      "Run the upgrade agent for an instance (its unit nymvisor@ID runs this). Arguments after "
      "run's own options are the daemon's, as in the original's 'nymvisor run ARGS': they must "
      "equal daemon.args, or become daemon.args when it has none. One agent runs per instance.");
  cmds->run->footer("Usage with daemon arguments: nymvisor run [--id ID] [DAEMON_ARGS...]");
  AddIdOption(cmds->run, inv);
  // The original's `run ARGS...` (see AdoptRunArguments): from the first
  // argument that is not one of run's own options, all are the daemon's.
  cmds->run->prefix_command();
  cmds->refresh_access = app->add_subcommand(
      "refresh-access",
      "As root: rewrite the bus policies, polkit rules and ownership that let each instance's "
      "agent run as its node's account (the package runs it on upgrade)");
  cmds->refuse_start = app->add_subcommand(
      "refuse-start", "What a unit of an instance with a broken config runs: say why, exit 1");
  cmds->refuse_start->add_option("ID", cmds->refuse_id, "The instance id")->required();
  cmds->refuse_start->group("");  // internal: not listed
}

Status RunDaemonBuildInfo(const Invocation& inv) {
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(inv));
  // The binary is the node's: it is probed as the node's account.
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(inv, loaded.config, /*writes=*/false));
  Layout layout = MakeLayout(loaded.config);
  std::string binary = layout.CurrentBinary().string();
  if (!Exists(inv.ctx.files, binary)) {
    Result<std::string> target = inv.ctx.files.ReadSymlink(layout.CurrentLink());
    return Status::Error("no daemon binary at " + binary + " (" + layout.CurrentLink().string() +
                         (target.ok() ? " points at " + *target : " is missing") + ")");
  }
  NV_ASSIGN_OR_RETURN(BuildInfo info, ProbeBuildInfo(inv.ctx.processes, binary));
  PrintBuildInfo(inv, info);
  return {};
}

/// In the node's unit the config arrives as a systemd credential, because the
/// node's user cannot read the root-only file in /etc/nymvisor.
std::optional<std::string> ConfigCredential(const Invocation& inv) {
  std::optional<std::string> dir = inv.Env()("CREDENTIALS_DIRECTORY");
  if (!dir) return std::nullopt;
  std::filesystem::path path = std::filesystem::path(*dir) / kCredentialName;
  if (!Exists(inv.ctx.files, path)) return std::nullopt;
  return path.string();
}

Status RunExec(const Invocation& inv, const std::string& id) {
  NV_RETURN_IF_ERROR(ValidateInstanceId(id));
  std::string asked_by = "'nymvisor exec " + id + "'";
  if (!inv.id.empty() && inv.id != id) {
    return Status::Refused(kOtherInstanceReason, asked_by + " asks for instance '" + id +
                                                     "' but --id asks for '" + inv.id +
                                                     "'; name one instance only");
  }
  LocatorContext locator = inv.Locator();
  locator.id = id;
  if (auto credential = ConfigCredential(inv)) locator.config_path_env = credential;
  // The node unit runs this: never start another instance's node.
  NV_RETURN_IF_ERROR(CheckAskedInstance(inv, id, asked_by, locator.config_path_env));
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigWith(inv, locator));
  {
    // The records are the node's account's files: read them as that account.
    NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(inv, loaded.config, /*writes=*/false));
    if (Status st = CheckNodeMayStart(loaded.config, inv.ctx.files); !st.ok()) {
      return st.WithContext(asked_by + " does not start the node");
    }
  }
  NV_ASSIGN_OR_RETURN(std::vector<std::string> argv, NodeCommandLine(loaded.config, inv.ctx.files));
  return inv.ctx.exec(argv, inv.env_file, NodeAccount(loaded.config, inv.ctx.files));
}

/// The original's `run ARGS` passed ARGS to the daemon. Here the node runs in
/// its own unit with daemon.args, so ARGS equal to daemon.args are accepted,
/// ARGS for an instance without daemon.args become them (saved to the config
/// file, without the environment's overrides), and other ARGS are refused.
Status AdoptRunArguments(const Invocation& inv, const std::vector<std::string>& args,
                         LoadedConfig* loaded) {
  if (args.empty() || args == loaded->config.daemon.args) return {};
  if (!loaded->config.daemon.args.empty()) {
    return Status::Error("'nymvisor run' got daemon arguments '" + Join(args, " ") + "' but " +
                         loaded->path.string() + " has daemon.args '" +
                         Join(loaded->config.daemon.args, " ") + "'; the node runs in " +
                         EffectiveUnit(loaded->config) + " with daemon.args, so change them there");
  }
  EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  NV_ASSIGN_OR_RETURN(LoadedConfig file_only, LoadConfigFile(loaded->path, no_env, inv.ctx.files));
  file_only.config.daemon.args = args;
  NV_RETURN_IF_ERROR(SaveConfigFile(file_only.config, loaded->path, inv.ctx.files));
  loaded->config.daemon.args = args;
  inv.ctx.err << "saved daemon.args '" << Join(args, " ") << "' to " << loaded->path.string()
              << "\n";
  return {};
}

/// The agent reads the live config file each time (its unit names it in
/// NYMVISOR_CONFIG_PATH when it runs as the node's account, which may read but
/// not write it), so a reload sees the operator's edits.
Status RunAgentCommand(const Invocation& inv, const std::vector<std::string>& args,
                       int* exit_code) {
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(inv));
  NV_RETURN_IF_ERROR(AdoptRunArguments(inv, args, &loaded));
  if (inv.ctx.is_root && inv.ctx.become) {
    std::string user = NodeAccount(loaded.config, inv.ctx.files);
    NV_RETURN_IF_ERROR(ExplainAccountError(inv.ctx.become(user), loaded.config, user));
  }
  auto reload = [&inv, args]() -> Result<Config> {
    NV_ASSIGN_OR_RETURN(LoadedConfig fresh, LoadConfigForCommand(inv));
    if (!args.empty()) fresh.config.daemon.args = args;
    return fresh.config;
  };
  *exit_code = inv.ctx.run_agent(loaded, reload);
  return {};
}

/// The blocked unit's ExecStart: the generator could not read the instance
/// (see RenderBlockedDropIn); say why, as it reads now, and fail.
Status RefuseStart(const Invocation& inv, const std::string& id, int* exit_code) {
  std::string why;
  if (std::optional<std::string> recorded = inv.ctx.env(kBlockedReasonEnv)) {
    why = *recorded;  // as the generator saw it (this unit may lack the rights to look again)
  } else {
    InstanceSources sources;
    GeneratorPaths paths;
    paths.etc_dir = inv.ctx.etc_dir;
    Result<LoadedConfig> loaded = LoadUnitConfig(paths, id, inv.ctx.files, &sources);
    why = loaded.ok() ? "it was broken at the last daemon-reload and reads well now"
                      : loaded.status().message();
  }
  inv.ctx.err << "nymvisor: instance '" << id << "' is not started: its config cannot be used ("
              << why << "); fix " << (inv.ctx.etc_dir / (id + ".toml")).string() << " or "
              << (inv.ctx.etc_dir / (id + ".env")).string()
              << ", then run 'systemctl daemon-reload'\n";
  *exit_code = 1;
  return {};
}

/// The subcommands with state of their own.
struct BigCommands {
  InitCli& init;
  AddUpgradeCli& add_upgrade;
  ControlCli& control;
  AdoptCli& adopt;
  FleetCli& fleet;
};

Status RunSelected(const Invocation& inv, const SimpleCommands& cmds, BigCommands big,
                   int* exit_code) {
  InitCli& init = big.init;
  AddUpgradeCli& add_upgrade = big.add_upgrade;
  ControlCli& control = big.control;
  if (big.adopt.selected()) return big.adopt.Run();
  if (big.fleet.selected()) return big.fleet.Run();
  if (init.selected()) return init.Run();
  if (add_upgrade.selected()) return add_upgrade.Run();
  if (control.selected()) return control.Run(exit_code);
  if (cmds.build_info->parsed()) {
    PrintBuildInfo(inv, NymvisorBuildInfo());
    return {};
  }
  if (cmds.config->parsed()) {
    NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(inv));
    PrintConfig(inv, loaded.config);
    return {};
  }
  if (cmds.daemon_build_info->parsed()) return RunDaemonBuildInfo(inv);
  if (cmds.exec->parsed()) return RunExec(inv, cmds.exec_id);
  if (cmds.run->parsed()) return RunAgentCommand(inv, cmds.run->remaining(), exit_code);
  if (cmds.refuse_start->parsed()) return RefuseStart(inv, cmds.refuse_id, exit_code);
  if (cmds.refresh_access->parsed()) {
    if (!inv.ctx.is_root) return Status::Error("refresh-access must run as root");
    if (!inv.ctx.refresh_all_access) return Status::Error("refresh-access is not available here");
    for (const std::string& note : inv.ctx.refresh_all_access()) inv.ctx.err << note << "\n";
    return {};
  }
  return Status::Error("no command given");
}

/// `help [COMMAND]`: the main help, or a command's, as `--help` prints them.
int PrintHelp(CLI::App& app, const std::string& topic, CliContext& ctx) {
  CLI::App* about = &app;
  std::string name = "nymvisor";
  if (!topic.empty()) {
    try {
      about = app.get_subcommand(topic);
      name += " " + topic;
    } catch (const CLI::OptionNotFound&) {  // library boundary
      ctx.err << "error: nymvisor help: unknown command '" << topic
              << "' (see 'nymvisor --help')\n";
      return 2;
    }
  }
  ctx.out << app.get_formatter()->make_help(about, name, CLI::AppFormatMode::Normal);
  return 0;
}

/// `nymvisor --id X COMMAND` is `nymvisor COMMAND --id X`; given both ways,
/// the two must agree.
Status MergeTopLevelId(const std::string& top_id, Invocation* inv) {
  if (top_id.empty()) return {};
  if (!inv->id.empty() && inv->id != top_id) {
    return Status::Refused(kOtherInstanceReason, "--id is given twice, '" + top_id +
                                                     "' before the command and '" + inv->id +
                                                     "' after it; give it once");
  }
  inv->id = top_id;
  return {};
}

/// Reads the -c/--config-env-file file; a missing or malformed file is fatal.
Status LoadEnvFile(const std::string& path, Invocation* inv) {
  Result<std::string> text = inv->ctx.files.ReadTrusted(path);
  if (!text.ok()) return text.status().WithContext("--config-env-file");
  NV_ASSIGN_OR_RETURN(inv->env_file, ParseEnvFile(*text, path, inv->ctx.env));
  return {};
}

}  // namespace

int RunCli(const std::vector<std::string>& args, CliContext& ctx) {
  Invocation inv{ctx, {}, "text", ""};
  CLI::App app{"nymvisor: upgrades a Nym node's systemd unit safely and unattended", "nymvisor"};
  app.set_version_flag("-V,--version", std::string("nymvisor ") + kVersion);
  app.require_subcommand(1);
  std::string env_file;
  app.add_option("-c,--config-env-file", env_file,
                 "Load environment variables from this file first (they override the environment)");
  std::string top_id;  // `nymvisor --id X status`, as operators type it
  app.add_option("--id", top_id, "The instance, for the command that follows");
  SimpleCommands cmds;
  InitCli init(&app, &inv);
  AddUpgradeCli add_upgrade(&app, &inv);
  AddSimpleCommands(&app, &inv, &cmds);
  ControlCli control(&app, &inv);
  AdoptCli adopt(&app, &inv);
  FleetCli fleet(&app, &inv);
  CLI::App* help = app.add_subcommand("help", "Print this help, or a command's (help COMMAND)");
  std::string help_topic;
  help->add_option("COMMAND", help_topic, "The command to explain");
  if (args.size() == 1 && args[0] == "--version") {  // the original's long form: build info
    PrintBuildInfo(inv, NymvisorBuildInfo());
    return 0;
  }
  std::vector<std::string> words = GiveInitFlagsTheirValue(SplitShortEquals(args));
  inv.double_dash = std::find(words.begin(), words.end(), "--") != words.end();
  std::vector<const char*> argv = {"nymvisor"};
  for (const std::string& a : words) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {  // library boundary: usage errors exit with 2
    return ReportParseError(app, e, words, ctx.out, ctx.err);
  }
  if (help->parsed()) return PrintHelp(app, help_topic, ctx);
  Status st = env_file.empty() ? Status() : LoadEnvFile(env_file, &inv);
  if (st.ok()) st = MergeTopLevelId(top_id, &inv);
  int exit_code = 0;
  if (st.ok()) st = RunSelected(inv, cmds, {init, add_upgrade, control, adopt, fleet}, &exit_code);
  if (st.ok()) return exit_code;
  ctx.err << "error: " << RedactUrlsIn(st.message()) << "\n";
  if (st.IsRefused() && st.reason() == kOtherInstanceReason) return kOtherInstanceExit;
  if (st.IsRefused() && st.reason() == kNodeStartRefusedReason) return kNodeStartRefusedExit;
  return st.IsUsage() ? 2 : 1;
}

}  // namespace nymvisor
