#ifndef NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_
#define NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_

#include <optional>
#include <vector>

#include "agent/adapters/tree_sync.h"
#include "agent/ports/backup_store.h"
#include "agent/ports/clock.h"

namespace nymvisor {

/// Backups as plain directory trees under the backup directory:
/// <backup dir>/<upgrade>/backup-<YYYY-MM-DD-HHMMSSmmm>-preupgrade/, keeping
/// file types, modes, owners and modification times, with the home's file
/// stamps at that moment beside it (".index") and its sequence number
/// (".seq", which orders backups; backup_catalog.h). A copy is built under a
/// ".partial" name and renamed once complete and synced, and removed by
/// renaming it away first, so a crash never leaves something that looks like
/// a usable backup; the leftovers go with the next backup or prune.
///
/// Downtime does not grow with the data: PreCopy copies the home while the
/// node runs, Create (after the stop) then reads only the files whose stamp
/// changed and writes only their changed blocks; a restore does the same in
/// the other direction. Files unchanged since the previous backup are hard
/// links to it (backups are never written after they are complete, and a
/// restore only ever copies out of them). Sparse files stay sparse.
/// Runs on the worker thread only.
class DirectoryBackupStore : public BackupStore {
 public:
  /// `exclude`: paths inside `home` that are nymvisor's, never copied or touched.
  DirectoryBackupStore(std::filesystem::path home, std::filesystem::path backup_dir,
                       std::vector<std::filesystem::path> exclude, Clock& clock);

  Status PreCopy(const std::string& upgrade_name) override;
  Result<std::filesystem::path> Create(const std::string& upgrade_name) override;
  Status Restore(const std::filesystem::path& backup) override;
  Status Prune(uint32_t keep, const std::vector<std::filesystem::path>& protect) override;
  Result<std::filesystem::path> Latest(const std::string& upgrade_name) override;
  bool IsComplete(const std::filesystem::path& backup) override;
  Status DiscardPreCopy() override;
  Result<bool> HomeMatches(const std::filesystem::path& backup) override;
  std::vector<std::string> TakeNotes() override;

  /// What the last PreCopy (both passes), Create or Restore wrote and skipped.
  const CopyStats& last_stats() const { return last_stats_; }

 private:
  /// A backup being built, and the stamps of the sources copied into it.
  struct Partial {
    std::string upgrade_name;
    std::filesystem::path dir, path, final_path;
    StampIndex sources;
  };
  Result<Partial> StartPartial(const std::string& upgrade_name);
  TreeSyncOptions BackupOptions() const;
  /// Two passes while the node runs, as live migration does: the whole home,
  /// then what changed during that copy, each synced. What is left for after
  /// the stop is what changed during the second, much shorter pass.
  Status CopyLive(Partial* partial);

  std::filesystem::path home_;
  std::filesystem::path backup_dir_;
  std::vector<std::filesystem::path> exclude_;
  Clock& clock_;
  std::optional<Partial> pre_copy_;
  CopyStats last_stats_;
  std::vector<std::string> notes_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_
