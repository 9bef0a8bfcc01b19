#ifndef NYMVISOR_AGENT_CLI_FLEET_CLI_H_
#define NYMVISOR_AGENT_CLI_FLEET_CLI_H_

#include <string>

#include "agent/cli/cli_support.h"

namespace nymvisor {

/// `nymvisor fleet status [-o json]`, `fleet clear-halt [--version V |
/// --all | V]` and `fleet halt --version V [--reason TEXT]`, each with --id:
/// the operator's view and control of the instance's fleet group
/// (docs/fleet.md). Reads the instance's config as the other --id commands
/// do, reaches etcd as its agent would (cli/fleet_client.h) and runs
/// cli/fleet_command.h. No agent is needed. Main thread only.
class FleetCli {
 public:
  FleetCli(CLI::App* parent, Invocation* inv);
  bool selected() const { return app_->parsed(); }
  Status Run();

 private:
  Invocation* inv_;
  CLI::App* app_ = nullptr;
  CLI::App* status_ = nullptr;
  CLI::App* clear_ = nullptr;
  CLI::App* halt_ = nullptr;
  std::string version_;
  std::string version_arg_;  ///< clear-halt VERSION, as docs/fleet.md writes it
  bool all_ = false;
  std::string reason_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_FLEET_CLI_H_
