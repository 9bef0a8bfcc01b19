#ifndef NYMVISOR_AGENT_PORTS_BACKUP_STORE_H_
#define NYMVISOR_AGENT_PORTS_BACKUP_STORE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// Copies of the node's data (DAEMON_HOME without nymvisor's own files) taken
/// before an upgrade, and putting one back after a failed upgrade. Blocking:
/// runs on the worker thread.
class BackupStore {
 public:
  virtual ~BackupStore() = default;
  /// Copies the data while the node still runs, so that Create, after the
  /// stop, has only what changed since to copy. Refuses, naming it, an entry
  /// that could not be written back after the stop or in a restore (its
  /// owner, or its mode): the upgrade is abandoned before any downtime. A
  /// failure removes the partial copy.
  virtual Status PreCopy(const std::string& upgrade_name) = 0;
  /// Takes a complete, synced copy for `upgrade_name` and returns its path;
  /// it equals the data at the moment of the call. A failure (a full disk)
  /// removes the partial copy.
  virtual Result<std::filesystem::path> Create(const std::string& upgrade_name) = 0;
  /// Makes the node's data identical to `backup` again. Safe to repeat.
  /// Unusable when `backup` cannot be used (missing, incomplete, behind a
  /// symlink): refused before the data is touched, so retrying is pointless.
  virtual Status Restore(const std::filesystem::path& backup) = 0;
  /// Keeps the newest `keep` backups and always every one in `protect` (the
  /// backups a rollback of the running version needs, whatever `keep` says);
  /// deletes the rest.
  virtual Status Prune(uint32_t keep, const std::vector<std::filesystem::path>& protect) = 0;
  /// The newest complete backup taken under `upgrade_name` (before it was
  /// applied; it holds the data of the version before it); NotFound when
  /// there is none. Only for histories that do not record which backup an
  /// upgrade took: the history's record is the identity.
  virtual Result<std::filesystem::path> Latest(const std::string& upgrade_name) = 0;
  /// Whether `backup` is a complete backup of this store that Restore can
  /// use (it exists, was finished, and is no symlink).
  virtual bool IsComplete(const std::filesystem::path& backup) = 0;
  /// Removes the copy a PreCopy left for a Create that will not come (an
  /// aborted upgrade), and any such copy an earlier run left behind.
  virtual Status DiscardPreCopy() = 0;
  /// Whether the data still equals the complete backup `backup` (every file's
  /// stamp as recorded when it was taken; no data is read): false when the
  /// node ran since, or the backup has no stamps. A resumed upgrade reuses
  /// its backup only then.
  virtual Result<bool> HomeMatches(const std::filesystem::path& backup) = 0;
  /// What the last Create found that the operator should know (a data
  /// directory that is a symlink: only the link is kept), each once; cleared
  /// by the call. Read on the main thread once the Create is done.
  virtual std::vector<std::string> TakeNotes() = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_BACKUP_STORE_H_
