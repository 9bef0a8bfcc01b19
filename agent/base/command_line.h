#ifndef NYMVISOR_AGENT_BASE_COMMAND_LINE_H_
#define NYMVISOR_AGENT_BASE_COMMAND_LINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// Splits an operator's command (busy_check, pre/post_upgrade_command) into
/// argv the way systemd splits an ExecStart= line, without a shell: words
/// are separated by blanks, "double" and 'single' quotes group, and C escapes
/// (\n, \t, \\, \", \', \s, \xHH) work in and outside quotes. No variable is
/// expanded, so `$VAR` and `${VAR}` are refused, and `$$` is a literal `$`.
/// The first word must be an absolute path, without ExecStart='s special
/// prefixes (-@:+!), which mean nothing here. Errors say what is wrong and
/// where; the caller names the key.
Result<std::vector<std::string>> SplitCommandLine(std::string_view line);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_COMMAND_LINE_H_
