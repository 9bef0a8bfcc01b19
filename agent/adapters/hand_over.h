#ifndef NYMVISOR_AGENT_ADAPTERS_HAND_OVER_H_
#define NYMVISOR_AGENT_ADAPTERS_HAND_OVER_H_

#include <sys/types.h>

#include <filesystem>

#include "agent/base/status.h"

namespace nymvisor {

/// Gives a directory tree that root owns to an account (chown to uid:gid),
/// as root, without ever acting through something that account controls:
///  - every component of `dir` is opened with O_NOFOLLOW from "/", so a
///    symlink anywhere on the way is refused (the error names it);
///  - only directories that root owns and no one else may write (or that
///    are sticky, so no one else can replace root's entries) are entered,
///    and a directory is handed over after its contents (so while root works
///    in it, the account still cannot change it);
///  - entries the account (or anyone but root) already owns are left alone,
///    and so are regular files with more than one link.
/// Safe to run again: a tree already handed over is left as it is. Returns
/// how many entries changed owner. Runs on the calling thread.
Result<int> HandOverTree(const std::filesystem::path& dir, uid_t uid, gid_t gid);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_HAND_OVER_H_
