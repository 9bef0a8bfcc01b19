#ifndef NYMVISOR_AGENT_BACKUP_STORE_H_
#define NYMVISOR_AGENT_BACKUP_STORE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/clock.h"
#include "agent/status.h"

namespace nymvisor {

/// Copies of the node's data (DAEMON_HOME without nymvisor's own files) taken
/// before an upgrade, and putting one back after a failed upgrade. Blocking:
/// runs on the worker thread.
class BackupStore {
 public:
  virtual ~BackupStore() = default;
  /// Takes a complete, synced copy for `upgrade_name` and returns its path.
  /// A failure (a full disk) removes the partial copy.
  virtual Result<std::filesystem::path> Create(const std::string& upgrade_name) = 0;
  /// Makes the node's data identical to `backup` again. Safe to repeat.
  virtual Status Restore(const std::filesystem::path& backup) = 0;
  /// Keeps the newest `keep` backups (and always `protect`); deletes the rest.
  virtual Status Prune(uint32_t keep, const std::filesystem::path& protect) = 0;
};

/// Backups as plain directory trees under the backup directory:
/// <backup dir>/<upgrade>/backup-<YYYY-MM-DD-HHMMSSmmm>-preupgrade/, keeping
/// file types, modes, owners and modification times. A copy is built under a
/// ".partial" name and renamed once complete and synced, so a crash never
/// leaves something that looks like a usable backup.
class DirectoryBackupStore : public BackupStore {
 public:
  /// `exclude`: paths inside `home` that are nymvisor's, never copied or touched.
  DirectoryBackupStore(std::filesystem::path home, std::filesystem::path backup_dir,
                       std::vector<std::filesystem::path> exclude, Clock& clock);

  Result<std::filesystem::path> Create(const std::string& upgrade_name) override;
  Status Restore(const std::filesystem::path& backup) override;
  Status Prune(uint32_t keep, const std::filesystem::path& protect) override;

 private:
  bool Excluded(const std::filesystem::path& path) const;

  std::filesystem::path home_;
  std::filesystem::path backup_dir_;
  std::vector<std::filesystem::path> exclude_;
  Clock& clock_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BACKUP_STORE_H_
