#ifndef NYMVISOR_AGENT_ADAPTERS_STAMP_INDEX_FILE_H_
#define NYMVISOR_AGENT_ADAPTERS_STAMP_INDEX_FILE_H_

#include <filesystem>

#include "agent/adapters/tree_sync.h"
#include "agent/base/status.h"

namespace nymvisor {

/// Writes `index` to the new file `path` (never through a symlink) and syncs
/// its data. It lets a restore skip every file the new version left alone.
Status SaveStampIndex(const std::filesystem::path& path, const StampIndex& index);

/// Reads an index written by SaveStampIndex. An index is only a shortcut:
/// NotFound or a parse error means "compare everything".
Result<StampIndex> LoadStampIndex(const std::filesystem::path& path);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_STAMP_INDEX_FILE_H_
