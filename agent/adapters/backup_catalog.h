#ifndef NYMVISOR_AGENT_ADAPTERS_BACKUP_CATALOG_H_
#define NYMVISOR_AGENT_ADAPTERS_BACKUP_CATALOG_H_

#include <cstdint>
#include <filesystem>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// The names of the backup directory, for DirectoryBackupStore. A complete
/// backup is <dir>/<upgrade>/backup-<stamp>-preupgrade with beside it its
/// ".index" (the home's stamps) and ".seq" (its sequence number, written
/// before the rename that completes it). Anything starting with a dot is not
/// a backup: ".backup-*.partial" is one being built, ".backup-*.deleting" one
/// being removed. Worker thread only.

/// `backup`'s file of stamps, beside it.
std::filesystem::path IndexPath(const std::filesystem::path& backup);

/// `backup`'s sequence number; 0 for a backup older than sequence numbers
/// (or whose .seq is unreadable): those sort first, by their stamp.
uint64_t SequenceOf(const std::filesystem::path& backup);

/// Writes and syncs `backup`'s .seq (a new file, never through a symlink).
Status SaveSequence(const std::filesystem::path& backup, uint64_t seq);

/// Adds the complete backups directly under `upgrade_dir` to `found`.
void AddCompleteBackups(const std::filesystem::path& upgrade_dir,
                        std::vector<std::filesystem::path>* found);

/// Sorts backups oldest first: by sequence number, then by name. A clock
/// stepped back changes a name's stamp, never the order of sequence numbers.
void SortByAge(std::vector<std::filesystem::path>* backups);

/// Every complete backup under `dir` (of every upgrade), oldest first.
std::vector<std::filesystem::path> CompleteBackups(const std::filesystem::path& dir);

/// One more than the highest sequence number under `dir`.
uint64_t NextSequence(const std::filesystem::path& dir);

/// Removes, under every upgrade of `dir`, what a crash or an abort left:
/// partial copies (but `keep`, a copy still in use), backups half removed,
/// and .index/.seq files without their backup. No partial may be being
/// built meanwhile except `keep`. Best effort.
void RemoveLeftovers(const std::filesystem::path& dir, const std::filesystem::path& keep = {});

/// Removes a complete backup so that a crash part way never leaves one that
/// still looks complete: renamed to ".<name>.deleting", the rename synced,
/// then its .index and .seq and the tree removed.
Status RemoveBackup(const std::filesystem::path& backup);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_BACKUP_CATALOG_H_
