#include "agent/adapters/hand_over.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "agent/adapters/fd.h"
#include "agent/adapters/root_only_path.h"

namespace nymvisor {
namespace {

namespace fs = std::filesystem;

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

Status Errno(const std::string& what, const fs::path& path, int err) {
  std::string message = what + " " + path.string() + ": " + std::strerror(err);
  return err == ENOENT ? Status::NotFound(message) : Status::Error(message);
}

/// Root's, and no one else can rename or replace what root has in it: no
/// one else may write it, or it is sticky (like a fresh tmpfs, mode 1777).
bool RootOnly(const struct stat& st) {
  return st.st_uid == 0 && ((st.st_mode & 022) == 0 || (st.st_mode & S_ISVTX) != 0);
}

Status HandOverEntries(int dir_fd, const fs::path& path, uid_t uid, gid_t gid, int* changed);

/// One entry of a root-only directory (so it cannot change under us).
Status HandOverEntry(int dir_fd, const char* name, const fs::path& path, uid_t uid, gid_t gid,
                     int* changed) {
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Errno("stat", path, errno);
  if (st.st_uid != 0) return {};  // already someone's: theirs, not ours to change
  if (S_ISDIR(st.st_mode)) {
    if (!RootOnly(st)) return {};  // others may write it: never work inside it as root
    Fd sub(::openat(dir_fd, name, kDirFlags));
    if (sub.get() < 0) return Errno("opening", path, errno);
    NV_RETURN_IF_ERROR(HandOverEntries(sub.get(), path, uid, gid, changed));
    if (::fchown(sub.get(), uid, gid) != 0) return Errno("chown", path, errno);
    ++*changed;
    return {};
  }
  if (S_ISREG(st.st_mode) && st.st_nlink > 1) return {};  // also elsewhere: leave it
  if (::fchownat(dir_fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno("chown", path, errno);
  }
  ++*changed;
  return {};
}

Status HandOverEntries(int dir_fd, const fs::path& path, uid_t uid, gid_t gid, int* changed) {
  int listing_fd = ::dup(dir_fd);
  if (listing_fd < 0) return Errno("listing", path, errno);
  DIR* listing = ::fdopendir(listing_fd);
  if (listing == nullptr) {
    ::close(listing_fd);
    return Errno("listing", path, errno);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(listing);
  for (const std::string& name : names) {
    NV_RETURN_IF_ERROR(HandOverEntry(dir_fd, name.c_str(), path / name, uid, gid, changed));
  }
  return {};
}

}  // namespace

Result<int> HandOverTree(const fs::path& dir, uid_t uid, gid_t gid) {
  NV_ASSIGN_OR_RETURN(Fd top, OpenTrustedPath(dir, PathTrust::kNoSymlinks, true));
  struct stat st {};
  if (::fstat(top.get(), &st) != 0) return Errno("stat", dir, errno);
  int changed = 0;
  if (st.st_uid != 0) return changed;  // handed over already (contents first, then the top)
  if (!RootOnly(st)) {
    return Status::Error(dir.string() +
                         " is owned by root but others may write to it and it is not sticky; fix "
                         "its mode (chmod go-w) before handing it to the agent's account");
  }
  NV_RETURN_IF_ERROR(HandOverEntries(top.get(), dir, uid, gid, &changed));
  if (::fchown(top.get(), uid, gid) != 0) return Errno("chown", dir, errno);
  return changed + 1;
}

}  // namespace nymvisor
