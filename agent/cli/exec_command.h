#ifndef NYMVISOR_AGENT_CLI_EXEC_COMMAND_H_
#define NYMVISOR_AGENT_CLI_EXEC_COMMAND_H_

#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

/// The command line the node's unit runs: <data>/current/bin/<name> followed
/// by daemon.args. The binary must exist and be executable, so a broken layout
/// fails the unit with a message instead of an obscure exec error.
Result<std::vector<std::string>> NodeCommandLine(const Config& config, FileSystem& files);

/// Whether the node may start now: reads upgrade-state.json and
/// node-left-down.json (never writes) and asks DecideNodeStart. A record that
/// cannot be read refuses too (fail closed), naming the file. Refused with
/// kNodeStartRefusedReason; the caller reads as the node's account.
Status CheckNodeMayStart(const Config& config, FileSystem& files);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_EXEC_COMMAND_H_
