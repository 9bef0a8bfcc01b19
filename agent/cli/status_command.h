#ifndef NYMVISOR_AGENT_CLI_STATUS_COMMAND_H_
#define NYMVISOR_AGENT_CLI_STATUS_COMMAND_H_

#include <string>

#include "agent/base/timestamp.h"
#include "agent/config/config.h"
#include "agent/decide/status_snapshot.h"
#include "agent/ports/file_system.h"
#include "agent/records/upgrade_history.h"

namespace nymvisor {

/// How `nymvisor status` was answered.
enum class StatusSource { kAgent, kFiles };

/// `nymvisor status` for a terminal, in the manner of `systemctl status`: the
/// instance and its node unit, the running version, the state, the next
/// upgrade and when it is due, progress (a bar on a terminal), the last check
/// and the last result. Pure.
std::string RenderStatus(const StatusSnapshot& status, Timestamp now, bool terminal,
                         StatusSource source);

/// "[#########...........] 45%"; `width` characters between the brackets.
std::string ProgressBar(uint32_t percent, int width = 20);

/// `nymvisor history`: one line per entry, oldest first, with its reason.
std::string RenderHistory(const UpgradeHistory& history);

/// The status as the instance's files tell it, for when no agent runs:
/// versions from current-version.json and the plan, the hold, and the last
/// entry of the history. The state is "idle" or "held" (the CLI shows
/// "not running": no agent holds a state), and no check is known.
Result<StatusSnapshot> StatusFromFiles(const Config& config, FileSystem& files);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_STATUS_COMMAND_H_
