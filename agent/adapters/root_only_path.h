#ifndef NYMVISOR_AGENT_ADAPTERS_ROOT_ONLY_PATH_H_
#define NYMVISOR_AGENT_ADAPTERS_ROOT_ONLY_PATH_H_

#include <filesystem>

#include "agent/adapters/fd.h"
#include "agent/base/status.h"

namespace nymvisor {

/// How much of a path root may trust while walking it.
enum class PathTrust {
  kNoSymlinks,  ///< no component may be a symlink (owners do not matter)
  kRootOnly,    ///< that, and every component is root's and no one else may
                ///< change it (a directory others may write must be sticky)
};

/// Opens an absolute path one component at a time from "/" with O_NOFOLLOW,
/// so that what is opened is what the path names and nothing an account
/// could plant on the way. `directory` asks for a directory (O_DIRECTORY),
/// else a file is opened read-only. Errors name the component that failed
/// and why (a symlink, an owner, a mode).
Result<Fd> OpenTrustedPath(const std::filesystem::path& path, PathTrust trust, bool directory);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_ROOT_ONLY_PATH_H_
