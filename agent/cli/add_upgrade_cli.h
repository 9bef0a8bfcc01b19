#ifndef NYMVISOR_AGENT_CLI_ADD_UPGRADE_CLI_H_
#define NYMVISOR_AGENT_CLI_ADD_UPGRADE_CLI_H_

#include <map>
#include <string>

#include "agent/cli/add_upgrade_command.h"
#include "agent/cli/cli_support.h"

namespace nymvisor {

/// The `add-upgrade` subcommand's command line. --now, --upgrade-time and
/// --upgrade-delay exclude each other; all three and --publish-date exclude
/// --add-binary. Main thread only.
class AddUpgradeCli {
 public:
  AddUpgradeCli(CLI::App* parent, Invocation* inv);
  bool selected() const { return app_->parsed(); }
  Status Run();

 private:
  Status ConvertFlags();
  /// Asks a running agent to re-read the plan, and says whether it did.
  void NudgeAgent(const std::string& id);

  Invocation* inv_;
  CLI::App* app_ = nullptr;
  AddUpgradeFlags flags_;
  std::map<std::string, RawOption> raw_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_ADD_UPGRADE_CLI_H_
