#ifndef NYMVISOR_AGENT_SHELL_UPGRADE_GATE_H_
#define NYMVISOR_AGENT_SHELL_UPGRADE_GATE_H_

#include <functional>
#include <string>
#include <vector>

#include "agent/decide/upgrade_gate.h"
#include "agent/ports/process_runner.h"
#include "agent/ports/worker.h"
#include "agent/shell/logger.h"

namespace nymvisor {

/// Output of an operator's command kept for the journal, per stream.
inline constexpr size_t kGateOutputCap = 64 * 1024;

/// The CommandOutcome of a finished run (or of one that could not start):
/// the last non-empty line of stderr, else of stdout.
CommandOutcome ToCommandOutcome(const Result<ProcessResult>& run);

/// Runs an operator's command (`key` names it: busy_check,
/// pre_upgrade_command, post_upgrade_command) as the node's account on
/// `worker`, never on the main loop (its watchdog would fire during a 60 s
/// hang): split like ExecStart= (config checks have refused what cannot
/// be split), `env` as its whole environment, killed with its process
/// group after kGateCommandTimeout. Its output is journalled with
/// NYMVISOR_HOOK=<key>; `done` gets the outcome on the main thread. Call on
/// the main thread; `processes` must be used only from `worker`'s thread.
void RunGateCommand(ProcessRunner& processes, Worker& worker, Logger& log, std::string key,
                    const std::string& command, std::vector<std::string> env,
                    std::function<void(const CommandOutcome&)> done);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_UPGRADE_GATE_H_
