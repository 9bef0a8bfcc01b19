#ifndef NYMVISOR_AGENT_CLI_CLI_USAGE_ERRORS_H_
#define NYMVISOR_AGENT_CLI_CLI_USAGE_ERRORS_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace nymvisor {

/// The original (clap) accepts `-o=json`; CLI11 would read the value as
/// "=json". Splits `-X=VALUE` into `-X VALUE` before `--` (after it, the
/// arguments are the daemon's and stay as they are).
std::vector<std::string> SplitShortEquals(const std::vector<std::string>& args);

/// The subcommand `args` names (its first word that is not a top-level
/// option or its value), or empty when there is none.
std::string CommandWord(const std::vector<std::string>& args);

/// Reports a command line CLI11 refused: help and version requests print
/// and return 0; otherwise one line names the unknown command, the unknown
/// option, the missing argument or the bad value, then the usage line of the
/// command it was for and where to read more, and the result is 2.
int ReportParseError(CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

/// The usage line of `sub` (for example "Usage: nymvisor init [OPTIONS]
/// DAEMON_BINARY [DAEMON_ARGS...]").
std::string UsageLine(const CLI::App& sub);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_CLI_USAGE_ERRORS_H_
