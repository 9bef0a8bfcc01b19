#ifndef NYMVISOR_AGENT_PORTS_FILE_SYSTEM_H_
#define NYMVISOR_AGENT_PORTS_FILE_SYSTEM_H_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"

namespace nymvisor {

namespace fs = std::filesystem;

/// What lstat(2) says about a path.
struct FileInfo {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  mode_t mode = 0;  ///< permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
  uint64_t size = 0;
};

/// An exclusive advisory lock (flock) held until this object is destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

/// A file written in pieces, as a download arrives. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  /// fsync: the data is on disk when this returns OK.
  virtual Status Sync() = 0;
};

/// Every filesystem effect of the core goes through this interface, so tests can
/// inject failures (a full disk, a crash between two writes) by wrapping the real
/// implementation. Missing paths give Status::NotFound. Implementations are
/// stateless and safe to call from any thread.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::string> ReadFile(const fs::path& path) = 0;
  /// Reads a file that decides what root does: a config or an env file.
  /// Running as root, the path may hold no symlink and root alone may change
  /// the file and every directory on the way (a world-writable directory
  /// must be sticky), else the error names the culprit; otherwise a plain
  /// ReadFile. So an account cannot steer root through such a file.
  virtual Result<std::string> ReadTrusted(const fs::path& path) = 0;
  /// Never leaves a half-written file: writes a temporary file in the same
  /// directory, fsyncs it, renames it over `path` and fsyncs the directory.
  virtual Status WriteFileAtomic(const fs::path& path, std::string_view content, mode_t mode) = 0;
  /// lstat (a symlink is reported as a symlink), or stat with `follow_symlinks`.
  virtual Result<FileInfo> Stat(const fs::path& path, bool follow_symlinks = false) = 0;
  /// mkdir -p; existing directories are left as they are.
  virtual Status CreateDirectories(const fs::path& path, mode_t mode) = 0;
  /// Copies a regular file with its permission bits, atomically (as WriteFileAtomic).
  virtual Status CopyFile(const fs::path& from, const fs::path& to) = 0;
  virtual Result<std::string> ReadSymlink(const fs::path& link) = 0;
  /// Points `link` at `target` atomically: a new symlink renamed over the old one.
  virtual Status ReplaceSymlink(const fs::path& link, const fs::path& target) = 0;
  /// Entry names (not paths), sorted.
  virtual Result<std::vector<std::string>> ListDirectory(const fs::path& dir) = 0;
  virtual Status SetMode(const fs::path& path, mode_t mode) = 0;
  /// rm -rf; a missing path is not an error.
  virtual Status RemoveAll(const fs::path& path) = 0;
  /// The user name owning `path` (the uid as text when it has no name).
  virtual Result<std::string> OwnerName(const fs::path& path) = 0;
  /// Gives `path` to the account `owner` and the primary group of `group_of`
  /// (with `recursive`, everything below it too, never following a symlink).
  /// NotFound names an account that does not exist.
  virtual Status SetOwner(const fs::path& path, const std::string& owner,
                          const std::string& group_of, bool recursive) = 0;
  /// Takes an exclusive lock on `path` (created if missing, never deleted),
  /// waiting at most `timeout`. Serialises read-modify-write of the plan between
  /// the agent and the CLI.
  virtual Result<std::unique_ptr<FileLock>> LockExclusive(const fs::path& path,
                                                          Duration timeout) = 0;
  /// Opens for appending (creating it with `mode`); `truncate` empties it first.
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const fs::path& path, mode_t mode,
                                                              bool truncate) = 0;
  /// Feeds the file to `fn` in chunks, without holding it all in memory.
  virtual Status ReadChunks(const fs::path& path,
                            const std::function<Status(std::string_view)>& fn) = 0;
  /// rename(2), then fsync of the target's directory.
  virtual Status Rename(const fs::path& from, const fs::path& to) = 0;
};

/// True when `path` exists (without following a final symlink).
inline bool Exists(FileSystem& files, const fs::path& path) { return files.Stat(path).ok(); }

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_FILE_SYSTEM_H_
