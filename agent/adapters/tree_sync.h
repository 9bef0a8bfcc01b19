#ifndef NYMVISOR_AGENT_ADAPTERS_TREE_SYNC_H_
#define NYMVISOR_AGENT_ADAPTERS_TREE_SYNC_H_

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/adapters/file_copy.h"
#include "agent/base/status.h"

namespace nymvisor {

/// A file's identity at one moment. Two equal stamps mean the file was not
/// written in between: its ctime moves on every change and user space cannot
/// set it.
struct FileStamp {
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp StampOf(const struct stat& st);

/// The stamps of a tree's entries (by path relative to its root), taken by a
/// walk that began at `taken_at_ns` (CLOCK_REALTIME).
struct StampIndex {
  int64_t taken_at_ns = 0;
  std::unordered_map<std::string, FileStamp> files;
};

/// Which side of a sync a StampIndex describes.
enum class KnownSide { kSource, kDestination };

struct TreeSyncOptions {
  /// Paths (on either side) never copied, removed or entered: nymvisor's own.
  /// Matched by name and, for a directory, by device and inode: one reached
  /// through a symlinked parent or a bind mount is still excluded.
  std::vector<std::filesystem::path> exclude;
  /// The stamps of one side when both trees were last equal: an entry whose
  /// stamp has not changed since is not read again. Null: compare everything.
  const StampIndex* known = nullptr;
  KnownSide known_side = KnownSide::kSource;
  /// A previous backup: a file found there with the same size, mtime, mode
  /// and owner is hard-linked from it instead of copied (rsync --link-dest);
  /// in a live copy only small files are, so large ones can be patched later.
  std::filesystem::path link_dest;
  /// The source is in use (a copy while the node runs): entries that vanish
  /// meanwhile are skipped; a later sync against `seen` repairs the rest.
  bool live = false;
  /// Filled with the source's stamps, each taken before its entry was copied.
  StampIndex* seen = nullptr;
  /// syncfs the source's filesystem after `seen->taken_at_ns` is read and
  /// before the walk: a page dirtied through a shared mapping is then clean,
  /// so a later write through the mapping faults and moves the file's mtime
  /// (without it, a second write to a still-dirty page changes no stamp).
  bool sync_source_first = false;
  /// Filled with every path of `dst` written, created or whose entries
  /// changed: what must be synced for the result to be durable.
  std::vector<std::filesystem::path>* touched = nullptr;
  /// Filled with the source's symlinks to a directory: only the link is
  /// copied, not the data behind it.
  std::vector<std::filesystem::path>* linked_dirs = nullptr;
  /// Fails, naming it, on the first source entry that a later sync could not
  /// write back (CheckCopyableBack), before anything of it is copied.
  bool refuse_uncopyable = false;
};

/// Makes the tree `dst` equal to `src` (contents, types, modes, owners and
/// mtimes; sockets, FIFOs and devices are left out), touching only what
/// differs: entries missing in `src` are removed, a large changed file is
/// patched block by block when its copy has a single link, other changed
/// files are replaced. `src` and `dst` must be real directories. Never
/// follows a symlink and never links `dst` entries to `src`. Blocking.
Status SyncTree(const std::filesystem::path& src, const std::filesystem::path& dst,
                const TreeSyncOptions& options, CopyStats* stats);

/// The stamps of every entry below `root` (not entering `exclude`), as a
/// backup's SyncTree records them in `seen`. Reads no data.
Status StampTree(const std::filesystem::path& root,
                 const std::vector<std::filesystem::path>& exclude, StampIndex* out);

/// `path` without "." or ".." parts or a trailing slash: how a walk names
/// the paths it compares (roots, exclusions).
std::filesystem::path NormalPath(const std::filesystem::path& path);

/// The current CLOCK_REALTIME in nanoseconds, as file times are kept.
int64_t RealtimeNanos();

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_TREE_SYNC_H_
