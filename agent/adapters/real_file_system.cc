#include "agent/adapters/real_file_system.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "agent/adapters/fd.h"
#include "agent/adapters/hand_over.h"
#include "agent/adapters/root_only_path.h"
#include "agent/adapters/system_account.h"

namespace nymvisor {
namespace {

Status ErrnoStatus(std::string_view what, const fs::path& path, int err) {
  if (err == ELOOP) {
    return Status::Error(path.string() + " is a symlink; refusing to follow it (" +
                         std::string(what) + ")");
  }
  std::string message = std::string(what) + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(message);
  return Status::Error(message);
}

std::string TempSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return ".tmp." + std::to_string(getpid()) + "." + std::to_string(rng() % 1000000000);
}

Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("writing", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status FsyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("opening directory", dir, errno);
  if (::fsync(fd.get()) != 0) return ErrnoStatus("syncing directory", dir, errno);
  return {};
}

/// Writes `content` to a fresh temp file next to `path`; returns the temp path.
Result<fs::path> WriteTemp(const fs::path& path, std::string_view content, mode_t mode) {
  fs::path temp = path;
  temp += TempSuffix();
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (fd.get() < 0) return ErrnoStatus("creating", temp, errno);
  Status st = WriteAll(fd.get(), content, temp);
  if (st.ok() && ::fchmod(fd.get(), mode) != 0) st = ErrnoStatus("chmod", temp, errno);
  if (st.ok() && ::fsync(fd.get()) != 0) st = ErrnoStatus("syncing", temp, errno);
  if (st.ok() && fd.Close() != 0) st = ErrnoStatus("closing", temp, errno);
  if (!st.ok()) {
    ::unlink(temp.c_str());
    return st;
  }
  return temp;
}

Status RenameIntoPlace(const fs::path& temp, const fs::path& path) {
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("renaming into", path, err);
  }
  return FsyncDirectory(path.parent_path());
}

/// Copies all bytes from `in` to `out` in chunks, so large binaries are never
/// held in memory.
Status CopyData(int in, int out, const fs::path& from, const fs::path& to) {
  std::vector<char> buf(1 << 20);
  while (true) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("reading", from, errno);
    if (n == 0) return {};
    NV_RETURN_IF_ERROR(WriteAll(out, std::string_view(buf.data(), static_cast<size_t>(n)), to));
  }
}

/// Reads a regular file to its end. A FIFO, a device (/dev/zero) or a
/// directory named where a file belongs is refused rather than read for
/// ever (callers open with O_NONBLOCK, so a FIFO does not block the open).
Result<std::string> ReadAll(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus("reading", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status::Error(path.string() + " is not a regular file; refusing to read it");
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("reading", path, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

Result<std::string> RealFileSystem::ReadFile(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("reading", path, errno);
  return ReadAll(fd.get(), path);
}

Result<std::string> RealFileSystem::ReadTrusted(const fs::path& path) {
  if (::geteuid() != 0) return ReadFile(path);
  fs::path absolute = fs::absolute(path);
  Result<Fd> fd = OpenTrustedPath(absolute, PathTrust::kRootOnly, false);
  if (!fd.ok()) {
    if (fd.status().IsNotFound()) return fd.status();
    return Status::Error("refusing to read " + path.string() +
                         " as root: " + fd.status().message() +
                         "; keep it in a root-owned directory such as /etc/nymvisor, owned by "
                         "root and writable by root only");
  }
  return ReadAll(fd->get(), path);
}

Status RealFileSystem::WriteFileAtomic(const fs::path& path, std::string_view content,
                                       mode_t mode) {
  NV_ASSIGN_OR_RETURN(fs::path temp, WriteTemp(path, content, mode));
  return RenameIntoPlace(temp, path);
}

Result<FileInfo> RealFileSystem::Stat(const fs::path& path, bool follow_symlinks) {
  struct stat st {};
  int rc = follow_symlinks ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) return ErrnoStatus("stat", path, errno);
  FileInfo info;
  if (S_ISREG(st.st_mode)) info.type = FileInfo::Type::kRegular;
  if (S_ISDIR(st.st_mode)) info.type = FileInfo::Type::kDirectory;
  if (S_ISLNK(st.st_mode)) info.type = FileInfo::Type::kSymlink;
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = static_cast<uint64_t>(st.st_size);
  return info;
}

Status RealFileSystem::CreateDirectories(const fs::path& path, mode_t mode) {
  fs::path partial;
  for (const fs::path& part : path) {
    partial /= part;
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus("creating directory", partial, errno);
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("creating directory", path, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Error(path.string() + " exists and is not a directory");
  return {};
}

Status RealFileSystem::CopyFile(const fs::path& from, const fs::path& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return ErrnoStatus("reading", from, errno);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return ErrnoStatus("stat", from, errno);
  NV_ASSIGN_OR_RETURN(fs::path temp, WriteTemp(to, "", st.st_mode & 07777));
  Fd out(::open(temp.c_str(), O_WRONLY | O_CLOEXEC));
  Status copied = out.get() < 0 ? ErrnoStatus("opening", temp, errno)
                                : CopyData(in.get(), out.get(), from, temp);
  if (copied.ok() && ::fsync(out.get()) != 0) copied = ErrnoStatus("syncing", temp, errno);
  if (copied.ok() && out.Close() != 0) copied = ErrnoStatus("closing", temp, errno);
  if (!copied.ok()) {
    ::unlink(temp.c_str());
    return copied;
  }
  return RenameIntoPlace(temp, to);
}

Result<std::string> RealFileSystem::ReadSymlink(const fs::path& link) {
  char buf[PATH_MAX + 1];
  ssize_t n = ::readlink(link.c_str(), buf, PATH_MAX);
  if (n < 0) return ErrnoStatus("reading symlink", link, errno);
  return std::string(buf, static_cast<size_t>(n));
}

Status RealFileSystem::ReplaceSymlink(const fs::path& link, const fs::path& target) {
  fs::path temp = link;
  temp += TempSuffix();
  if (::symlink(target.c_str(), temp.c_str()) != 0)
    return ErrnoStatus("creating symlink", temp, errno);
  return RenameIntoPlace(temp, link);
}

Result<std::vector<std::string>> RealFileSystem::ListDirectory(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return ErrnoStatus("listing", dir, ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

Status RealFileSystem::SetMode(const fs::path& path, mode_t mode) {
  if (::chmod(path.c_str(), mode) != 0) return ErrnoStatus("chmod", path, errno);
  return {};
}

Status RealFileSystem::RemoveAll(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return ErrnoStatus("removing", path, ec.value());
  return {};
}

Status RealFileSystem::SetOwner(const fs::path& path, const std::string& owner,
                                const std::string& group_of, bool recursive) {
  NV_ASSIGN_OR_RETURN(auto user, LookUpAccount(owner));
  NV_ASSIGN_OR_RETURN(auto group, LookUpAccount(group_of));
  if (recursive) return HandOverTree(path, user.uid, group.gid).status();
  if (::lchown(path.c_str(), user.uid, group.gid) != 0) {
    return ErrnoStatus("chown", path, errno);
  }
  return {};
}

Result<std::string> RealFileSystem::OwnerName(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(st.st_uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    return std::string(found->pw_name);
  }
  return std::to_string(st.st_uid);
}

namespace {

class FlockLock : public FileLock {
 public:
  explicit FlockLock(int fd) : fd_(fd) {}
  ~FlockLock() override { ::close(fd_); }  // closing releases the lock

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<FileLock>> RealFileSystem::LockExclusive(const fs::path& path,
                                                                Duration timeout) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("opening lock file", path, errno);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("locking", path, err);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return Status::Error(path.string() + " is locked by another nymvisor process");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::unique_ptr<FileLock>(std::make_unique<FlockLock>(fd));
}

namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override { ::close(fd_); }
  Status Append(std::string_view data) override { return WriteAll(fd_, data, path_); }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus("syncing", path_, errno);
    return {};
  }

 private:
  int fd_;
  fs::path path_;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> RealFileSystem::OpenForAppend(const fs::path& path,
                                                                    mode_t mode, bool truncate) {
  // Never through a symlink, and never into a file that is also elsewhere (a
  // hard link): what is written here must land here and nowhere else.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                  mode);
  if (fd < 0) return ErrnoStatus("opening", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    ::close(fd);
    return Status::Error(path.string() +
                         " is not a plain file of its own (a hard link or a device); refusing "
                         "to write to it");
  }
  if (truncate && ::ftruncate(fd, 0) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("truncating", path, err);
  }
  return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(fd, path));
}

Status RealFileSystem::ReadChunks(const fs::path& path,
                                  const std::function<Status(std::string_view)>& fn) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("reading", path, errno);
  std::vector<char> buf(1 << 20);
  while (true) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("reading", path, errno);
    if (n == 0) return {};
    NV_RETURN_IF_ERROR(fn(std::string_view(buf.data(), static_cast<size_t>(n))));
  }
}

Status RealFileSystem::Rename(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("renaming to", to, errno);
  return FsyncDirectory(to.parent_path());
}

}  // namespace nymvisor
