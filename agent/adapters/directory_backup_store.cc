#include "agent/adapters/directory_backup_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

constexpr char kPrefix[] = "backup-";
constexpr char kSuffix[] = "-preupgrade";

Status Errno(std::string_view what, const stdfs::path& path) {
  return Status::Error(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

/// Gives `dst` the permission bits `mode`. A directory made in a setgid
/// directory already has them (the kernel passes the bit on). Under the
/// agent unit's RestrictSUIDSGID= a setuid/setgid bit cannot be set: the
/// copy then keeps the other bits rather than failing the whole backup.
Status CopyMode(mode_t mode, const stdfs::path& dst) {
  struct stat now {};
  if (::lstat(dst.c_str(), &now) == 0 && (now.st_mode & 07777) == mode) return {};
  if (::chmod(dst.c_str(), mode) == 0) return {};
  if (errno == EPERM && (mode & 06000) != 0 && ::chmod(dst.c_str(), mode & 01777) == 0) return {};
  return Errno("chmod", dst);
}

/// Owner, mode and times of `st`, applied to `dst` (not following a symlink).
Status CopyMetadata(const struct stat& st, const stdfs::path& dst) {
  // A copy is already ours: chown only what belongs to someone else (which
  // an agent running as the node's account cannot give away, and says so).
  bool ours = st.st_uid == ::geteuid() && st.st_gid == ::getegid();
  if (!ours && ::fchownat(AT_FDCWD, dst.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno("chown", dst);
  }
  if (!S_ISLNK(st.st_mode)) NV_RETURN_IF_ERROR(CopyMode(st.st_mode & 07777, dst));
  timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno("setting times of", dst);
  }
  return {};
}

Status CopyByReadWrite(int in, int out, const stdfs::path& src, const stdfs::path& dst) {
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n == 0) return {};
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("reading", src);
    for (ssize_t done = 0; done < n;) {
      ssize_t written = ::write(out, buffer.data() + done, n - done);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) return Errno("copying to", dst);
      done += written;
    }
  }
}

// copy_file_range is fast (reflinks, in-kernel copies) but refuses some pairs
// of filesystems: EXDEV across mounts since Linux 5.19, EOPNOTSUPP/ENOSYS/EINVAL
// elsewhere. Both offsets have advanced together, so read/write takes over.
Status CopyContents(int in, int out, const stdfs::path& src, const stdfs::path& dst) {
  while (true) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
    if (n == 0) return {};
    if (n > 0 || errno == EINTR) continue;
    if (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
      return CopyByReadWrite(in, out, src, dst);
    }
    return Errno("copying to", dst);
  }
}

Status CopyFileData(const stdfs::path& src, const stdfs::path& dst) {
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return Errno("reading", src);
  int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    return Errno("creating", dst);
  }
  Status st = CopyContents(in, out, src, dst);
  ::close(in);
  if (::close(out) != 0 && st.ok()) st = Errno("closing", dst);
  return st;
}

Status CopyEntry(const stdfs::path& src, const stdfs::path& dst);

Status CopyDirectory(const stdfs::path& src, const stdfs::path& dst, const struct stat& st) {
  if (::mkdir(dst.c_str(), 0700) != 0) return Errno("creating directory", dst);
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(src, ec)) {
    NV_RETURN_IF_ERROR(CopyEntry(entry.path(), dst / entry.path().filename()));
  }
  if (ec) return Status::Error("listing " + src.string() + ": " + ec.message());
  return CopyMetadata(st, dst);
}

/// Copies one file, directory (recursively) or symlink, with its metadata.
/// Sockets, FIFOs and devices are skipped: they hold no data.
Status CopyEntry(const stdfs::path& src, const stdfs::path& dst) {
  struct stat st {};
  if (::lstat(src.c_str(), &st) != 0) return Errno("stat", src);
  if (S_ISDIR(st.st_mode)) return CopyDirectory(src, dst, st);
  if (S_ISREG(st.st_mode)) {
    NV_RETURN_IF_ERROR(CopyFileData(src, dst));
    return CopyMetadata(st, dst);
  }
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    stdfs::path target = stdfs::read_symlink(src, ec);
    if (ec || ::symlink(target.c_str(), dst.c_str()) != 0) return Errno("copying symlink", src);
    return CopyMetadata(st, dst);
  }
  return {};
}

Status SyncFilesystem(const stdfs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening", path);
  int rc = ::syncfs(fd);
  ::close(fd);
  if (rc != 0) return Errno("syncing", path);
  return {};
}

/// Adds the complete backups directly under `upgrade_dir` to `found`.
void AddCompleteBackups(const stdfs::path& upgrade_dir, std::vector<stdfs::path>* found) {
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(upgrade_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(kPrefix) && name.ends_with(kSuffix)) found->push_back(entry.path());
  }
}

void SortByStamp(std::vector<stdfs::path>* backups) {
  std::sort(backups->begin(), backups->end(),
            [](const stdfs::path& a, const stdfs::path& b) { return a.filename() < b.filename(); });
}

/// Every complete backup under `dir`, oldest first (the stamp sorts by time).
std::vector<stdfs::path> CompleteBackups(const stdfs::path& dir) {
  std::vector<stdfs::path> found;
  std::error_code ec;
  for (const auto& upgrade : stdfs::directory_iterator(dir, ec)) {
    AddCompleteBackups(upgrade.path(), &found);
  }
  SortByStamp(&found);
  return found;
}

/// A backup interrupted by a crash leaves its .partial copy behind; the next
/// attempt (with a new stamp) removes it, so crashes cannot fill the disk.
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

void RemoveStalePartials(const stdfs::path& dir) {
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    std::error_code ignored;
    if (name.starts_with(".backup-") && name.ends_with(".partial")) {
      stdfs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

DirectoryBackupStore::DirectoryBackupStore(stdfs::path home, stdfs::path backup_dir,
                                           std::vector<stdfs::path> exclude, Clock& clock)
    : home_(std::move(home)),
      backup_dir_(std::move(backup_dir)),
      exclude_(std::move(exclude)),
      clock_(clock) {
  exclude_.push_back(backup_dir_);
}

bool DirectoryBackupStore::Excluded(const stdfs::path& path) const {
  for (const stdfs::path& ex : exclude_) {
    if (path.lexically_normal() == ex.lexically_normal()) return true;
  }
  return false;
}

Result<stdfs::path> DirectoryBackupStore::Create(const std::string& upgrade_name) {
  std::string stamp = FormatBackupStamp(clock_.Now());
  stdfs::path dir = backup_dir_ / upgrade_name;
  stdfs::path partial = dir / (".backup-" + stamp + ".partial");
  stdfs::path final_path = dir / (kPrefix + stamp + kSuffix);
  std::error_code ec;
  NV_RETURN_IF_ERROR(RefuseSymlinks({home_, backup_dir_, dir}));
  stdfs::create_directories(dir, ec);
  if (ec) return Status::Error("creating " + dir.string() + ": " + ec.message());
  NV_RETURN_IF_ERROR(RefuseSymlinks({dir}));
  RemoveStalePartials(dir);
  Status st = ::mkdir(partial.c_str(), 0700) == 0 ? Status() : Errno("creating", partial);
  for (const auto& entry : stdfs::directory_iterator(home_, ec)) {
    if (!st.ok()) break;
    if (!Excluded(entry.path())) st = CopyEntry(entry.path(), partial / entry.path().filename());
  }
  if (st.ok() && ec) st = Status::Error("listing " + home_.string() + ": " + ec.message());
  if (st.ok()) st = SyncFilesystem(partial);
  if (st.ok() && ::rename(partial.c_str(), final_path.c_str()) != 0)
    st = Errno("renaming", partial);
  if (st.ok()) st = SyncFilesystem(dir);
  if (!st.ok()) {
    stdfs::remove_all(partial, ec);
    return st.WithContext("backing up " + home_.string());
  }
  return final_path;
}

Status DirectoryBackupStore::Restore(const stdfs::path& backup) {
  // Unusable rather than failed: the upgrade runner then brings the old
  // version back without this backup instead of retrying for ever.
  if (Status st = RefuseSymlinks({home_, backup_dir_, backup.parent_path(), backup}); !st.ok()) {
    return Status::NotFound("the backup is unusable: " + st.message());
  }
  std::string name = backup.filename().string();
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix) || !stdfs::is_directory(backup)) {
    return Status::NotFound(backup.string() + " is not a complete backup");
  }
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(home_, ec)) {
    if (Excluded(entry.path())) continue;
    stdfs::remove_all(entry.path(), ec);
    if (ec) return Status::Error("removing " + entry.path().string() + ": " + ec.message());
  }
  for (const auto& entry : stdfs::directory_iterator(backup, ec)) {
    NV_RETURN_IF_ERROR(CopyEntry(entry.path(), home_ / entry.path().filename()));
  }
  if (ec) return Status::Error("listing " + backup.string() + ": " + ec.message());
  return SyncFilesystem(home_);
}

Status DirectoryBackupStore::Prune(uint32_t keep, const stdfs::path& protect) {
  std::vector<stdfs::path> backups = CompleteBackups(backup_dir_);
  std::error_code ec;
  size_t excess = backups.size() > keep ? backups.size() - keep : 0;
  for (size_t i = 0; i < excess; ++i) {
    if (backups[i] == protect) continue;
    stdfs::remove_all(backups[i], ec);
    if (ec) return Status::Error("removing " + backups[i].string() + ": " + ec.message());
  }
  return {};
}

Result<stdfs::path> DirectoryBackupStore::Latest(const std::string& upgrade_name) {
  std::vector<stdfs::path> found;
  AddCompleteBackups(backup_dir_ / upgrade_name, &found);
  if (found.empty()) {
    return Status::NotFound("no backup under " + (backup_dir_ / upgrade_name).string());
  }
  SortByStamp(&found);
  return found.back();
}

}  // namespace nymvisor
