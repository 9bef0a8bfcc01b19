#ifndef NYMVISOR_AGENT_INIT_CLI_H_
#define NYMVISOR_AGENT_INIT_CLI_H_

#include <map>
#include <string>

#include "agent/cli_support.h"
#include "agent/init_command.h"

namespace nymvisor {

/// The `init` subcommand's command line: the original's flags, plus
/// --daemon-unit, --daemon-user and --build-info-timeout; the node's arguments
/// follow "--". Main thread only.
class InitCli {
 public:
  InitCli(CLI::App* parent, Invocation* inv);
  bool selected() const { return app_->parsed(); }
  Status Run();

 private:
  void Add(const std::string& flag, const std::string& help) { AddRaw(app_, &raw_, flag, help); }
  Status ConvertFlags();
  Status ConvertBools();
  Status ConvertDurations();
  void ApplyToSystemd(const InitResult& result);

  Invocation* inv_;
  CLI::App* app_ = nullptr;
  InitFlags flags_;
  std::map<std::string, RawOption> raw_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_INIT_CLI_H_
