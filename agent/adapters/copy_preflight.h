#ifndef NYMVISOR_AGENT_ADAPTERS_COPY_PREFLIGHT_H_
#define NYMVISOR_AGENT_ADAPTERS_COPY_PREFLIGHT_H_

#include <sys/stat.h>

#include <filesystem>

#include "agent/base/status.h"

namespace nymvisor {

/// Whether a sync could later write the entry `st` (at `path`) back, as the
/// agent runs (its own uid and groups, no capabilities), checked before the
/// stop so that nothing fails after it:
/// - its copy must be given `st`'s owner: a chown to another uid, or to a
///   group the agent is not in, is refused (EPERM);
/// - a directory must let its owner add and remove entries: a changed entry
///   in it is replaced (EACCES in the copy after the stop, or in the home
///   during a restore);
/// - a file of kBlockDeltaMinSize or more must be writable by its owner: it
///   is patched in place (opened O_RDWR).
/// Nothing more: a small read-only file is replaced, never written. An
/// error names `path` and the command that fixes it. Any thread.
Status CheckCopyableBack(const struct stat& st, const std::filesystem::path& path);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_COPY_PREFLIGHT_H_
