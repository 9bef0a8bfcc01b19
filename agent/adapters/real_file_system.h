#ifndef NYMVISOR_AGENT_ADAPTERS_REAL_FILE_SYSTEM_H_
#define NYMVISOR_AGENT_ADAPTERS_REAL_FILE_SYSTEM_H_

#include "agent/ports/file_system.h"

namespace nymvisor {

/// The real, POSIX implementation.
class RealFileSystem : public FileSystem {
 public:
  Result<std::string> ReadFile(const fs::path& path) override;
  Result<std::string> ReadTrusted(const fs::path& path) override;
  Status WriteFileAtomic(const fs::path& path, std::string_view content, mode_t mode) override;
  Result<FileInfo> Stat(const fs::path& path, bool follow_symlinks = false) override;
  Status CreateDirectories(const fs::path& path, mode_t mode) override;
  Status CopyFile(const fs::path& from, const fs::path& to) override;
  Result<std::string> ReadSymlink(const fs::path& link) override;
  Status ReplaceSymlink(const fs::path& link, const fs::path& target) override;
  Result<std::vector<std::string>> ListDirectory(const fs::path& dir) override;
  Status SetMode(const fs::path& path, mode_t mode) override;
  Status RemoveAll(const fs::path& path) override;
  Result<std::string> OwnerName(const fs::path& path) override;
  Status SetOwner(const fs::path& path, const std::string& owner, const std::string& group_of,
                  bool recursive) override;
  Result<std::unique_ptr<FileLock>> LockExclusive(const fs::path& path, Duration timeout) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const fs::path& path, mode_t mode,
                                                      bool truncate) override;
  Status ReadChunks(const fs::path& path,
                    const std::function<Status(std::string_view)>& fn) override;
  Status Rename(const fs::path& from, const fs::path& to) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_REAL_FILE_SYSTEM_H_
