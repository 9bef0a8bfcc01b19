#ifndef NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_
#define NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_

#include <vector>

#include "agent/ports/backup_store.h"
#include "agent/ports/clock.h"

namespace nymvisor {

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
  Result<std::filesystem::path> Latest(const std::string& upgrade_name) override;

 private:
  bool Excluded(const std::filesystem::path& path) const;

  std::filesystem::path home_;
  std::filesystem::path backup_dir_;
  std::vector<std::filesystem::path> exclude_;
  Clock& clock_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_DIRECTORY_BACKUP_STORE_H_
