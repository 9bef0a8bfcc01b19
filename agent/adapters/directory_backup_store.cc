#include "agent/adapters/directory_backup_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "agent/adapters/backup_catalog.h"
#include "agent/adapters/file_copy.h"
#include "agent/adapters/stamp_index_file.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

constexpr char kPrefix[] = "backup-";
constexpr char kSuffix[] = "-preupgrade";

/// `paths` sorted, each once. Compared as strings: path's own comparison,
/// component by component, was a tenth of a first backup's time.
std::vector<stdfs::path> Unique(std::vector<stdfs::path> paths) {
  auto less = [](const stdfs::path& a, const stdfs::path& b) { return a.native() < b.native(); };
  auto same = [](const stdfs::path& a, const stdfs::path& b) { return a.native() == b.native(); };
  std::sort(paths.begin(), paths.end(), less);
  paths.erase(std::unique(paths.begin(), paths.end(), same), paths.end());
  return paths;
}

/// Backups are made and restored only through real directories: a symlink
/// planted in place of one would send the node's data, or take it, elsewhere.
Status RefuseSymlinks(std::initializer_list<stdfs::path> paths) {
  for (const stdfs::path& path : paths) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return Status::Error(path.string() + " is a symlink; refusing to follow it");
    }
  }
  return {};
}

std::string LinkedDirectoryNote(const stdfs::path& link) {
  return link.string() + " is a symlink to a directory: the backup keeps only the link, " +
         "not the data behind it, and a rollback cannot restore that data; back it up " +
         "yourself, or move it into the home in place of the link";
}

}  // namespace

DirectoryBackupStore::DirectoryBackupStore(stdfs::path home, stdfs::path backup_dir,
                                           std::vector<stdfs::path> exclude, Clock& clock)
    : home_(NormalPath(home)),
      backup_dir_(NormalPath(backup_dir)),
      exclude_(std::move(exclude)),
      clock_(clock) {
  exclude_.push_back(backup_dir_);
  for (stdfs::path& path : exclude_) path = NormalPath(path);
}

Result<DirectoryBackupStore::Partial> DirectoryBackupStore::StartPartial(
    const std::string& upgrade_name) {
  std::string stamp = FormatBackupStamp(clock_.Now());
  Partial partial;
  partial.upgrade_name = upgrade_name;
  partial.dir = backup_dir_ / upgrade_name;
  partial.path = partial.dir / (".backup-" + stamp + ".partial");
  partial.final_path = partial.dir / (kPrefix + stamp + kSuffix);
  NV_RETURN_IF_ERROR(RefuseSymlinks({home_, backup_dir_, partial.dir}));
  std::error_code ec;
  stdfs::create_directories(partial.dir, ec);
  if (ec) return Status::Error("creating " + partial.dir.string() + ": " + ec.message());
  NV_RETURN_IF_ERROR(RefuseSymlinks({partial.dir}));
  // What a crash, an abort or a crashed prune left, of any upgrade: a
  // partial copy is a full copy of the home, so they would fill the disk.
  RemoveLeftovers(backup_dir_);
  if (::mkdir(partial.path.c_str(), 0700) != 0) return Errno("creating", partial.path);
  return partial;
}

TreeSyncOptions DirectoryBackupStore::BackupOptions() const {
  TreeSyncOptions options;
  options.exclude = exclude_;
  std::vector<stdfs::path> previous = CompleteBackups(backup_dir_);
  if (!previous.empty() && RefuseSymlinks({previous.back()}).ok()) {
    options.link_dest = previous.back();
  }
  return options;
}

Status DirectoryBackupStore::PreCopy(const std::string& upgrade_name) {
  pre_copy_.reset();
  NV_ASSIGN_OR_RETURN(Partial partial, StartPartial(upgrade_name));
  last_stats_ = {};
  notes_.clear();
  if (Status st = CopyLive(&partial); !st.ok()) {
    std::error_code ec;
    stdfs::remove_all(partial.path, ec);
    return st.WithContext("copying " + home_.string() + " ahead of the stop");
  }
  pre_copy_ = std::move(partial);
  return {};
}

Status DirectoryBackupStore::CopyLive(Partial* partial) {
  TreeSyncOptions options = BackupOptions();
  options.live = true;
  // The node may write through shared mappings: each pass syncs the home
  // first so that such a write after its stamps moves a stamp (issue 21,
  // case 5). Not after the stop: the node's mappings are gone then.
  options.sync_source_first = true;
  StampIndex first;
  options.seen = &first;
  // Refused before the stop: what a sync after it could not write back.
  options.refuse_uncopyable = true;
  NV_RETURN_IF_ERROR(SyncTree(home_, partial->path, options, &last_stats_));
  options.refuse_uncopyable = false;
  // Synced now, while the node runs: the sync after the stop flushes only the delta.
  NV_RETURN_IF_ERROR(SyncFilesystemOf(partial->path));
  std::vector<stdfs::path> touched;
  options.known = &first;
  options.seen = &partial->sources;
  options.touched = &touched;
  NV_RETURN_IF_ERROR(SyncTree(home_, partial->path, options, &last_stats_));
  return SyncPaths(Unique(std::move(touched)), partial->path);
}

Result<stdfs::path> DirectoryBackupStore::Create(const std::string& upgrade_name) {
  TreeSyncOptions options = BackupOptions();
  Partial partial;
  if (pre_copy_ && pre_copy_->upgrade_name == upgrade_name &&
      RefuseSymlinks({backup_dir_, pre_copy_->dir, pre_copy_->path}).ok() &&
      stdfs::is_directory(pre_copy_->path)) {
    partial = std::move(*pre_copy_);
    options.known = &partial.sources;  // only what changed since the pre-copy is read
  } else {
    if (pre_copy_) {  // of another upgrade: of no use now
      std::error_code ec;
      stdfs::remove_all(pre_copy_->path, ec);
    }
    NV_ASSIGN_OR_RETURN(partial, StartPartial(upgrade_name));
  }
  pre_copy_.reset();
  StampIndex home_now;
  std::vector<stdfs::path> touched, linked_dirs;
  options.seen = &home_now;
  options.touched = &touched;
  options.linked_dirs = &linked_dirs;
  last_stats_ = {};
  // After a pre-copy only what this pass wrote is synced, not the whole
  // filesystem (which would wait for the node's own unwritten data).
  Status st = SyncTree(home_, partial.path, options, &last_stats_);
  if (st.ok()) st = SaveStampIndex(IndexPath(partial.final_path), home_now);
  // Numbered before the rename that completes it: the order of backups
  // never depends on the clock.
  if (st.ok()) st = SaveSequence(partial.final_path, NextSequence(backup_dir_));
  if (st.ok()) st = SyncPaths(Unique(std::move(touched)), partial.path);
  if (st.ok() && ::rename(partial.path.c_str(), partial.final_path.c_str()) != 0) {
    st = Errno("renaming", partial.path);
  }
  if (st.ok()) st = SyncPaths({partial.dir}, partial.dir);
  if (!st.ok()) {
    std::error_code ec;
    stdfs::remove_all(partial.path, ec);
    stdfs::remove(IndexPath(partial.final_path), ec);
    RemoveLeftovers(backup_dir_);
    return st.WithContext("backing up " + home_.string());
  }
  for (const stdfs::path& link : linked_dirs) notes_.push_back(LinkedDirectoryNote(link));
  return partial.final_path;
}

Status DirectoryBackupStore::Restore(const stdfs::path& backup) {
  // Unusable rather than failed: the upgrade runner then brings the old
  // version back without this backup instead of retrying for ever.
  if (Status st = RefuseSymlinks({home_, backup_dir_, backup.parent_path(), backup}); !st.ok()) {
    return Status::Unusable("the backup is unusable: " + st.message());
  }
  std::string name = backup.filename().string();
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix) || !stdfs::is_directory(backup)) {
    return Status::Unusable(backup.string() + " is not a complete backup");
  }
  // The home's stamps at the backup: files the new version left alone are
  // not read again. Without an index every file is compared.
  Result<StampIndex> index = LoadStampIndex(IndexPath(backup));
  TreeSyncOptions options;
  options.exclude = exclude_;
  if (index.ok()) {
    options.known = &*index;
    options.known_side = KnownSide::kDestination;
  }
  std::vector<stdfs::path> touched;
  options.touched = &touched;
  last_stats_ = {};
  NV_RETURN_IF_ERROR(SyncTree(backup, home_, options, &last_stats_));
  return SyncPaths(Unique(std::move(touched)), home_);
}

Status DirectoryBackupStore::Prune(uint32_t keep, const std::vector<stdfs::path>& protect) {
  // Leftovers first: a crashed prune's, and partial copies of aborted
  // upgrades (no copy is in progress while a prune runs).
  pre_copy_.reset();
  RemoveLeftovers(backup_dir_);
  std::vector<stdfs::path> backups = CompleteBackups(backup_dir_);
  size_t excess = backups.size() > keep ? backups.size() - keep : 0;
  for (size_t i = 0; i < excess; ++i) {
    if (std::find(protect.begin(), protect.end(), backups[i]) != protect.end()) continue;
    NV_RETURN_IF_ERROR(RemoveBackup(backups[i]));
  }
  return {};
}

Status DirectoryBackupStore::DiscardPreCopy() {
  pre_copy_.reset();
  RemoveLeftovers(backup_dir_);
  return {};
}

Result<bool> DirectoryBackupStore::HomeMatches(const stdfs::path& backup) {
  Result<StampIndex> then = LoadStampIndex(IndexPath(backup));
  if (!then.ok() || !stdfs::is_directory(backup)) return false;
  StampIndex now;
  NV_RETURN_IF_ERROR(StampTree(home_, exclude_, &now));
  return now.files == then->files;
}

std::vector<std::string> DirectoryBackupStore::TakeNotes() { return std::exchange(notes_, {}); }

Result<stdfs::path> DirectoryBackupStore::Latest(const std::string& upgrade_name) {
  std::vector<stdfs::path> found;
  AddCompleteBackups(backup_dir_ / upgrade_name, &found);
  if (found.empty()) {
    return Status::NotFound("no backup under " + (backup_dir_ / upgrade_name).string());
  }
  SortByAge(&found);
  return found.back();
}

bool DirectoryBackupStore::IsComplete(const stdfs::path& backup) {
  std::string name = backup.filename().string();
  return name.starts_with(kPrefix) && name.ends_with(kSuffix) &&
         RefuseSymlinks({backup_dir_, backup.parent_path(), backup}).ok() &&
         stdfs::is_directory(backup);
}

}  // namespace nymvisor
