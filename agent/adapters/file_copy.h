#ifndef NYMVISOR_AGENT_ADAPTERS_FILE_COPY_H_
#define NYMVISOR_AGENT_ADAPTERS_FILE_COPY_H_

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// What copying moved, for the journal and the benchmarks.
struct CopyStats {
  uint64_t bytes_written = 0;    ///< data bytes written (holes and reflinks not counted)
  uint64_t files_copied = 0;     ///< files written whole
  uint64_t files_patched = 0;    ///< large files of which only the changed blocks were written
  uint64_t files_linked = 0;     ///< hard links to an identical file of the previous backup
  uint64_t files_unchanged = 0;  ///< left alone: known to equal their source
};

/// Files at least this large are updated block by block when they changed
/// (UpdateFileInPlace); smaller ones are copied whole.
inline constexpr uint64_t kBlockDeltaMinSize = 1 << 20;

/// Creates `dst` (which must not exist) with the contents of `src`: a reflink
/// (FICLONE) where the filesystem can, else copy_file_range (read/write where
/// that is refused) over the data ranges only (SEEK_DATA/SEEK_HOLE), so a
/// sparse file stays sparse. Neither path is followed if it is a symlink.
Status CopyFileData(const std::filesystem::path& src, const std::filesystem::path& dst,
                    CopyStats* stats);

/// CopyFileData of the entry `name` of the open directory `src_dir` to a new
/// entry `name` of `dst_dir`, looked up there (no path is walked), then given
/// the owner, mode and mtime of `st` through its descriptor: a tree walk's
/// copy of one file. It is created with `st`'s permission bits (less the
/// umask), so most copies need no chmod. `src` and `dst` name them in errors.
Status CopyFileAt(int src_dir, int dst_dir, const char* name, const struct stat& st,
                  const std::filesystem::path& src, const std::filesystem::path& dst,
                  CopyStats* stats);

/// Makes the existing regular file `dst` equal to `src`: a reflink of all of
/// `src` (FICLONE) where the filesystem can, else by writing only the blocks
/// that differ (compared in 64 KiB blocks; a block that is all zeros in `src`
/// becomes a hole); then truncated to `src`'s size. For a `dst` with a single
/// link: the change is visible through no other name.
/// `source_in_use`: `src` may be written or truncated meanwhile (a copy while
/// the node runs): it is then read with pread in one thread, never mapped.
Status UpdateFileInPlace(const std::filesystem::path& src, const std::filesystem::path& dst,
                         CopyStats* stats, bool source_in_use = false);

/// Whether `a` and `b` have the same modification time, to the nanosecond.
bool SameMtime(const struct stat& a, const struct stat& b);

/// Owner, mode and mtime of `st`, applied to `dst` (not following a symlink);
/// only what differs is set, and `*changed` (when given) says if anything was.
Status CopyMetadata(const struct stat& st, const std::filesystem::path& dst,
                    bool* changed = nullptr);

/// CopyMetadata of the entry `name` of the directory `dir`; with `name` ""
/// of `dir` itself, an open file. `dst` names it in errors.
Status CopyMetadataAt(int dir, const char* name, const struct stat& st,
                      const std::filesystem::path& dst, bool* changed = nullptr);

/// Makes `paths` (files and directories) durable: fsync of each, or one
/// syncfs of the filesystem of `root` when there are many.
Status SyncPaths(const std::vector<std::filesystem::path>& paths,
                 const std::filesystem::path& root);

/// syncfs(2) of the filesystem `root` is on.
Status SyncFilesystemOf(const std::filesystem::path& root);

/// Writes all of `data` at offset `at` of `fd` (pwrite, EINTR retried);
/// errors name `path`.
Status WriteAt(int fd, std::string_view data, off_t at, const std::filesystem::path& path);

/// An error naming `what` and `path` with errno's text.
Status Errno(std::string_view what, const std::filesystem::path& path);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_FILE_COPY_H_
