// nymvisor's entry point: wires the real effects into the command line.
#include <unistd.h>

#include <iostream>

#include "agent/adapters/account_scope.h"
#include "agent/adapters/account_switch.h"
#include "agent/adapters/bus_connection.h"
#include "agent/adapters/dbus_control_client.h"
#include "agent/adapters/dbus_systemd_manager.h"
#include "agent/adapters/etcd_gateway.h"
#include "agent/adapters/operator_binary_copy.h"
#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/adapters/system_clock.h"
#include "agent/cli/cli.h"
#include "agent/cli/refresh_access_command.h"
#include "agent/cli/run_command.h"

namespace {

/// daemon-reload over D-Bus, when systemd runs this machine.
nymvisor::Status ReloadSystemd() {
  if (::access("/run/systemd/system", F_OK) != 0) {
    return nymvisor::Status::NotFound("systemd is not running");
  }
  auto bus = nymvisor::BusConnection::ConnectSystem(nullptr);
  if (!bus.ok()) return bus.status();
  auto manager = nymvisor::DbusSystemdManager::Connect(**bus);
  if (!manager.ok()) return manager.status();
  return (*manager)->Reload();
}

}  // namespace

int main(int argc, char** argv) {
  nymvisor::RealFileSystem files;
  nymvisor::PosixProcessRunner processes;
  nymvisor::SystemClock clock;
  nymvisor::AccessPaths access;
  nymvisor::CliContext ctx{
      .files = files,
      .processes = processes,
      .clock = clock,
      .env = nymvisor::ProcessEnv(),
      .is_root = ::geteuid() == 0,
      .etc_dir = "/etc/nymvisor",
      .out = std::cout,
      .err = std::cerr,
      .exec = nymvisor::ExecAsAccount,
      .run_agent = nymvisor::RunAgent,
      .reload_systemd = ReloadSystemd,
      .refresh_access =
          [&](const nymvisor::Config& config, const std::filesystem::path& path) {
            return nymvisor::RefreshAccess(access, config, path, files);
          },
      .refresh_all_access = [&] { return nymvisor::RefreshAllAccess(access, files); },
      .act_as = [](const std::string& user) -> nymvisor::Result<nymvisor::Scope> {
        NV_ASSIGN_OR_RETURN(std::unique_ptr<nymvisor::AccountScope> scope,
                            nymvisor::AccountScope::Enter(user));
        return nymvisor::Scope::Holding(std::move(scope));
      },
      .become = nymvisor::BecomeAccount,
      .stage_binary = [](const std::string& path, const std::string& user,
                         std::string* staged) -> nymvisor::Result<nymvisor::Scope> {
        NV_ASSIGN_OR_RETURN(std::unique_ptr<nymvisor::OperatorBinaryCopy> copy,
                            nymvisor::OperatorBinaryCopy::Stage(path, user));
        *staged = copy->path().string();
        return nymvisor::Scope::Holding(std::move(copy));
      },
      .connect_control = nymvisor::DbusControlClient::Connect,
      .out_is_tty = ::isatty(STDOUT_FILENO) == 1,
      .connect_etcd =
          [](const nymvisor::EtcdGatewayOptions& options) -> std::unique_ptr<nymvisor::Etcd> {
        return std::make_unique<nymvisor::EtcdGateway>(options);
      }};
  return nymvisor::RunCli(std::vector<std::string>(argv + 1, argv + argc), ctx);
}
