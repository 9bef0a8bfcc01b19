#include "agent/cli/fleet_cli.h"

#include <pwd.h>
#include <unistd.h>

#include "agent/cli/fleet_client.h"
#include "agent/cli/fleet_command.h"

namespace nymvisor {
namespace {

/// The operator, for the halt's reason: "root".
std::string UserName() {
  const passwd* pw = ::getpwuid(::getuid());
  return pw != nullptr ? pw->pw_name : "uid " + std::to_string(::getuid());
}

/// This host's holder id; "" when /etc/machine-id cannot be read.
std::string HolderOf(const Invocation& inv, const Config& config) {
  Result<std::string> machine = inv.ctx.files.ReadFile("/etc/machine-id");
  if (!machine.ok()) return "";
  Result<std::string> holder = FleetHolderId(*machine, config.nymvisor.id);
  return holder.ok() ? *holder : "";
}

/// The instance's etcd, its errors explained for the operator.
Result<std::unique_ptr<Etcd>> ConnectFleet(const Invocation& inv, const LoadedConfig& loaded) {
  const Config& config = loaded.config;
  if (config.nymvisor.fleet_endpoints.empty()) {
    return Status::Error("instance '" + config.nymvisor.id +
                         "' has no fleet: fleet_endpoints is "
                         "not set in " +
                         loaded.path.string() +
                         "; set fleet_endpoints and fleet_group there (or with 'nymvisor init "
                         "--fleet-endpoints URL --fleet-group NAME') to roll upgrades out through "
                         "etcd (docs/fleet.md)");
  }
  FleetCredentialLookup lookup;
  if (std::optional<std::string> dir = inv.Env()("CREDENTIALS_DIRECTORY")) {
    lookup.credentials_directory = *dir;
  }
  NV_ASSIGN_OR_RETURN(EtcdGatewayOptions options,
                      BuildFleetClientOptions(config, inv.ctx.files, lookup));
  if (!inv.ctx.connect_etcd) return Status::Error("no etcd client is available here");
  FleetErrorContext context{
      .config_path = loaded.path, .options = options, .group = config.nymvisor.fleet_group};
  return ExplainingEtcd(inv.ctx.connect_etcd(options), std::move(context));
}

Status PrintStatus(const Invocation& inv, const FleetTarget& target) {
  NV_ASSIGN_OR_RETURN(FleetReport report, ReadFleetReport(target));
  if (inv.Json()) {
    inv.ctx.out << DumpJsonPretty(FleetStatusToJson(report)) << "\n";
  } else {
    inv.ctx.out << RenderFleetStatus(report, inv.ctx.clock.Now());
  }
  return {};
}

}  // namespace

FleetCli::FleetCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand("fleet",
                                "Show or steer the instance's fleet group in etcd (docs/fleet.md)");
  app_->require_subcommand(1);
  AddIdOption(app_, inv);
  status_ = app_->add_subcommand(
      "status", "List the group's slots and holders, the hosts done, the canaries and any halt");
  AddIdOption(status_, inv);
  AddOutputOption(status_, inv);
  clear_ = app_->add_subcommand(
      "clear-halt",
      "Resume a halted rollout: delete a version's halt and its orphan progress marks (without "
      "--version: the only halt there is)");
  AddIdOption(clear_, inv);
  CLI::Option* version = clear_->add_option("--version", version_, "The halted version to clear")
                             ->type_name("VERSION");
  CLI::Option* all = clear_->add_flag("--all", all_, "Clear every halt of the group");
  all->excludes(version);
  clear_->add_option("VERSION", version_arg_, "The same as --version VERSION")
      ->excludes(version)
      ->excludes(all);
  halt_ = app_->add_subcommand(
      "halt", "Stop the group from starting a version until 'nymvisor fleet clear-halt'");
  AddIdOption(halt_, inv);
  halt_->add_option("--version", version_, "The version no host may start")
      ->type_name("VERSION")
      ->required();
  halt_->add_option("--reason", reason_, "Why, for 'nymvisor fleet status'");
}

Status FleetCli::Run() {
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(*inv_));
  NV_ASSIGN_OR_RETURN(std::unique_ptr<Etcd> etcd, ConnectFleet(*inv_, loaded));
  const NymvisorSection& n = loaded.config.nymvisor;
  NV_ASSIGN_OR_RETURN(FleetKeys keys, FleetKeys::For(n.fleet_group));
  FleetTarget target{.etcd = *etcd,
                     .keys = std::move(keys),
                     .instance_id = n.id,
                     .group = n.fleet_group,
                     .holder = HolderOf(*inv_, loaded.config),
                     .max_unavailable = n.fleet_max_unavailable};
  if (status_->parsed()) return PrintStatus(*inv_, target);
  if (clear_->parsed()) {
    std::string version = version_.empty() ? version_arg_ : version_;
    return ClearFleetHalts(target, ClearHaltRequest{.version = version, .all = all_},
                           inv_->ctx.out);
  }
  if (version_.empty()) return Status::Usage("fleet halt: --version must not be empty");
  std::string reason =
      reason_.empty() ? "halted by " + UserName() + " with 'nymvisor fleet halt'" : reason_;
  return HaltFleetVersion(target, version_, reason, inv_->ctx.clock.Now(), inv_->ctx.out);
}

}  // namespace nymvisor
