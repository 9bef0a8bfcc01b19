#ifndef NYMVISOR_AGENT_CLI_RUN_COMMAND_H_
#define NYMVISOR_AGENT_CLI_RUN_COMMAND_H_

#include <functional>

#include "agent/config/instance_config.h"

namespace nymvisor {

/// `nymvisor run`, what nymvisor@<id>.service runs: the agent for one
/// instance. It loads the instance, tells systemd it is ready (READY=1,
/// STATUS=), answers the watchdog from its main loop and stops on SIGTERM
/// (STOPPING=1). Returns the process exit code. Main thread only.
/// `reload` reads the instance's config again (Reload, SIGHUP).
int RunAgent(const LoadedConfig& loaded, std::function<Result<Config>()> reload);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_RUN_COMMAND_H_
