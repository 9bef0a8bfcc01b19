#ifndef NYMVISOR_AGENT_CLI_INIT_CLI_H_
#define NYMVISOR_AGENT_CLI_INIT_CLI_H_

#include <map>
#include <string>
#include <vector>

#include "agent/cli/cli_support.h"
#include "agent/cli/init_command.h"
#include "agent/config/config_keys.h"

namespace nymvisor {

/// The `init` subcommand's command line: a flag for every config key whose
/// table entry names one (the original's names, plus --daemon-unit,
/// --daemon-user, --backups-to-keep and --health-check-period),
/// --build-info-timeout, --reset and --force; the node's arguments follow
/// "--" (no "--": the existing ones are kept). Main thread only.
class InitCli {
 public:
  InitCli(CLI::App* parent, Invocation* inv);
  bool selected() const { return app_->parsed(); }
  Status Run();

 private:
  void AddKeyFlag(const ConfigKey& key);
  Status ConvertFlags();
  void ApplyToSystemd(const InitResult& result);
  /// A re-run on a configured instance: says which command applies each
  /// changed value, and has a running agent reload what a reload applies.
  void ReachRunningAgent(const InitResult& result);
  /// As root: the files that let the agent run as the node's account (or
  /// what running as root means, said honestly).
  Status SetUpAccess(const InitResult& result);

  Invocation* inv_;
  CLI::App* app_ = nullptr;
  InitFlags flags_;
  std::vector<std::string> args_;         ///< DAEMON_ARGS as given (see InitFlags::daemon_args)
  std::map<std::string, RawOption> raw_;  ///< by flag name
  std::map<std::string, bool> bare_;      ///< bare flags, by flag name
  /// Repeatable flags (ConfigKey::list_separator), one item per use.
  std::map<std::string, std::vector<std::string>> repeated_;
};

/// `init`'s flags whose value may be left out (FlagForm::kOptionalValue, as
/// --restart-daemon-on-failure): one not followed by its value (a true/false
/// word, or a word that cannot be the binary) gets "=true", so CLI11 reads it
/// as an option with a value and never takes the DAEMON_BINARY after it as
/// one. Nothing after "--" and no other command's words are changed.
std::vector<std::string> GiveInitFlagsTheirValue(const std::vector<std::string>& words);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_INIT_CLI_H_
