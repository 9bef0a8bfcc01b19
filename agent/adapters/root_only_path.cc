#include "agent/adapters/root_only_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace nymvisor {
namespace {

namespace fs = std::filesystem;

Status OpenError(const fs::path& path, int err) {
  if (err == ELOOP) {
    return Status::Error(path.string() +
                         " is a symlink; root does not follow it (give the real path)");
  }
  std::string message = "opening " + path.string() + ": " + std::strerror(err);
  return err == ENOENT ? Status::NotFound(message) : Status::Error(message);
}

/// O_DIRECTORY|O_NOFOLLOW reports a symlink as ENOTDIR: tell them apart.
int SymlinkAsEloop(int dir_fd, const fs::path& name, int err) {
  struct stat st {};
  if (err != ENOTDIR || ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return err;
  return S_ISLNK(st.st_mode) ? ELOOP : err;
}

/// Root's, and no one else can rename, replace or (for a file) change it.
Status CheckRootOnly(int fd, const fs::path& path, bool last) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return OpenError(path, errno);
  if (st.st_uid != 0) {
    return Status::Error(path.string() + " belongs to uid " + std::to_string(st.st_uid) +
                         ", not root");
  }
  bool others_write = (st.st_mode & 022) != 0;
  bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0 && !last;
  if (others_write && !sticky_dir) {
    return Status::Error(path.string() + " may be written by accounts other than root (mode " +
                         std::to_string(st.st_mode & 07777) + ")");
  }
  return {};
}

}  // namespace

Result<Fd> OpenTrustedPath(const fs::path& path, PathTrust trust, bool directory) {
  fs::path clean = path.lexically_normal();
  if (!clean.is_absolute()) return Status::Error(path.string() + " is not an absolute path");
  constexpr int kDir = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  Fd current(::open("/", kDir));
  if (current.get() < 0) return OpenError("/", errno);
  std::vector<fs::path> parts;
  for (const fs::path& part : clean.relative_path()) {
    if (!part.empty()) parts.push_back(part);
  }
  fs::path walked = "/";
  for (size_t i = 0; i <= parts.size(); ++i) {
    bool last = i == parts.size();
    if (trust == PathTrust::kRootOnly)
      NV_RETURN_IF_ERROR(CheckRootOnly(current.get(), walked, last));
    if (last) break;
    if (parts[i] == "..") return Status::Error(path.string() + " contains '..'");
    walked /= parts[i];
    bool want_dir = directory || i + 1 < parts.size();
    int flags = want_dir ? kDir : (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    Fd next(::openat(current.get(), parts[i].c_str(), flags));
    if (next.get() < 0) return OpenError(walked, SymlinkAsEloop(current.get(), parts[i], errno));
    current = std::move(next);
  }
  return current;
}

}  // namespace nymvisor
