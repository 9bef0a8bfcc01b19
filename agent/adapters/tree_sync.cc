#include "agent/adapters/tree_sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <set>
#include <unordered_set>
#include <utility>

#include "agent/adapters/copy_preflight.h"
#include "agent/adapters/fd.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

/// File times come from a coarse clock (a tick of a few ms): a file written
/// in the same tick as its stamp was taken keeps the stamp. Entries changed
/// this close to the walk are compared again ("racily clean", as git says).
constexpr int64_t kRacyWindowNs = 1'000'000'000;

constexpr int kOpenDirectory = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

int64_t Nanos(const timespec& ts) { return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec; }

Status RemoveAll(const stdfs::path& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);  // removes a symlink itself, never its target
  if (ec) return Status::Error("removing " + path.string() + ": " + ec.message());
  return {};
}

/// The names in the directory `dir` (without "." and ".."), sorted. Reads
/// through its own descriptor: `dir` stays usable for *at calls.
Result<std::vector<std::string>> ListNames(int dir) {
  int own = ::openat(dir, ".", kOpenDirectory);
  DIR* stream = own < 0 ? nullptr : ::fdopendir(own);
  if (!stream) {
    if (own >= 0) ::close(own);
    return Status::Error(std::strerror(errno));
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(stream)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int error = errno;
  ::closedir(stream);
  if (error != 0) return Status::Error(std::strerror(error));
  std::sort(names.begin(), names.end());
  return names;
}

/// The target of the symlink `name` in `dir` (errno set when it fails).
Result<std::string> ReadLinkAt(int dir, const char* name) {
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(dir, name, target, sizeof target);
  if (n < 0) return Status::Error(std::strerror(errno));
  if (static_cast<size_t>(n) == sizeof target) return Status::Error("target too long");
  return std::string(target, static_cast<size_t>(n));
}

/// The device and inode of each of `paths` that is a directory (its last
/// component not a symlink; its parents may be).
std::set<std::pair<dev_t, ino_t>> DirectoryIds(const std::vector<stdfs::path>& paths) {
  std::set<std::pair<dev_t, ino_t>> ids;
  for (const stdfs::path& path : paths) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) ids.emplace(st.st_dev, st.st_ino);
  }
  return ids;
}

/// Lexical exclusions: `exclude` relative to `root`, where inside it.
void AddRelative(const std::vector<stdfs::path>& exclude, const stdfs::path& root,
                 std::unordered_set<std::string>* out) {
  for (const stdfs::path& path : exclude) {
    stdfs::path rel = NormalPath(path).lexically_relative(NormalPath(root));
    if (!rel.empty() && *rel.begin() != ".." && rel != ".") out->insert(rel.string());
  }
}

/// One sync, walked depth first through directory descriptors: an entry is
/// looked up by its name in its open directory, so an unchanged file costs
/// one fstatat and no path is built unless something is written. `rel_` is
/// the path of the entry at hand, relative to both roots.
class TreeSync {
 public:
  TreeSync(const stdfs::path& src, const stdfs::path& dst, const TreeSyncOptions& options,
           CopyStats* stats);

  Status Run();

 private:
  /// Syncs the entries of the directory `rel_`; `same_names`: its names are
  /// known to be those of the source, so none in `dst_dir` needs removing.
  Status Directory(int src_dir, int dst_dir, bool same_names);
  Status RemoveExtra(int dst_dir, const std::vector<std::string>& src_names);
  Status Entry(int src_dir, int dst_dir, const std::string& name);
  Status Subdirectory(int src_dir, int dst_dir, const std::string& name, const struct stat& s,
                      const struct stat* d);
  Status File(int src_dir, int dst_dir, const std::string& name, const struct stat& s,
              const struct stat* d);
  Status Symlink(int src_dir, int dst_dir, const std::string& name, const struct stat& s,
                 const struct stat* d);
  /// `st` (of the known side) has the stamp recorded for `rel_`, recorded
  /// well before the walk that recorded it: the entry is unchanged since.
  bool Known(const struct stat& st) const;
  bool LinkFromPrevious(const struct stat& s);
  bool Excluded() const { return exclude_.contains(rel_); }
  bool ExcludedDirectory(const struct stat& st) const {
    return S_ISDIR(st.st_mode) && exclude_ids_.contains({st.st_dev, st.st_ino});
  }
  /// Notes a symlink of the source that leads to a directory.
  void NoteLinkedDirectory(int src_dir, const std::string& name);
  /// In a live copy, an entry gone or replaced since it was listed is
  /// skipped; the sync after the stop sees it as changed.
  bool Vanished() const {
    return options_.live && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP);
  }
  /// Drops `rel_` from the stamps seen: it was not copied as it was stamped.
  Status Forget() {
    if (options_.seen) options_.seen->files.erase(rel_);
    return {};
  }
  stdfs::path Src() const { return rel_.empty() ? src_ : src_ / rel_; }
  stdfs::path Dst() const { return rel_.empty() ? dst_ : dst_ / rel_; }
  void Touch(const stdfs::path& path) {
    if (options_.touched) options_.touched->push_back(path);
  }
  /// CopyMetadata, noting `dst` as touched when it changed anything.
  Status Metadata(const struct stat& s, const stdfs::path& dst) {
    bool changed = false;
    NV_RETURN_IF_ERROR(CopyMetadata(s, dst, &changed));
    if (changed) Touch(dst);
    return {};
  }

  const stdfs::path src_, dst_;
  const TreeSyncOptions& options_;
  CopyStats& stats_;
  std::unordered_set<std::string> exclude_;  ///< relative to the roots
  std::set<std::pair<dev_t, ino_t>> exclude_ids_;
  std::string rel_;
};

/// Appends a name to a relative path for one scope.
class Descend {
 public:
  Descend(std::string& rel, const std::string& name) : rel_(rel), size_(rel.size()) {
    if (!rel_.empty()) rel_ += '/';
    rel_ += name;
  }
  ~Descend() { rel_.resize(size_); }
  Descend(const Descend&) = delete;
  Descend& operator=(const Descend&) = delete;

 private:
  std::string& rel_;
  size_t size_;
};

TreeSync::TreeSync(const stdfs::path& src, const stdfs::path& dst, const TreeSyncOptions& options,
                   CopyStats* stats)
    : src_(src),
      dst_(dst),
      options_(options),
      stats_(*stats),
      exclude_ids_(DirectoryIds(options.exclude)) {
  AddRelative(options.exclude, src_, &exclude_);
  AddRelative(options.exclude, dst_, &exclude_);
  if (options_.seen && options_.known) options_.seen->files.reserve(options_.known->files.size());
}

Status TreeSync::Run() {
  Fd src_dir(::open(src_.c_str(), kOpenDirectory));
  if (src_dir.get() < 0) return Errno("opening directory", src_);
  Fd dst_dir(::open(dst_.c_str(), kOpenDirectory));
  if (dst_dir.get() < 0) return Errno("opening directory", dst_);
  return Directory(src_dir.get(), dst_dir.get(), false);
}

Status TreeSync::Directory(int src_dir, int dst_dir, bool same_names) {
  Result<std::vector<std::string>> names = ListNames(src_dir);
  if (!names.ok())
    return Status::Error("listing " + Src().string() + ": " + names.status().message());
  for (const std::string& name : *names) NV_RETURN_IF_ERROR(Entry(src_dir, dst_dir, name));
  return same_names ? Status() : RemoveExtra(dst_dir, *names);
}

Status TreeSync::RemoveExtra(int dst_dir, const std::vector<std::string>& src_names) {
  Result<std::vector<std::string>> names = ListNames(dst_dir);
  if (!names.ok())
    return Status::Error("listing " + Dst().string() + ": " + names.status().message());
  for (const std::string& name : *names) {
    if (std::binary_search(src_names.begin(), src_names.end(), name)) continue;
    Descend into(rel_, name);
    struct stat d {};
    if (Excluded() ||
        (::fstatat(dst_dir, name.c_str(), &d, AT_SYMLINK_NOFOLLOW) == 0 && ExcludedDirectory(d))) {
      continue;
    }
    NV_RETURN_IF_ERROR(RemoveAll(Dst()));
    Touch(Dst().parent_path());
  }
  return {};
}

Status TreeSync::Entry(int src_dir, int dst_dir, const std::string& name) {
  Descend into(rel_, name);
  if (Excluded()) return {};
  struct stat s {
  }, d{};
  // A file whose stamp on the known side is as it was when both trees were
  // equal is not looked at again: one fstatat per unchanged file.
  bool restoring = options_.known && options_.known_side == KnownSide::kDestination;
  bool has_dst = false;
  if (restoring) {
    has_dst = ::fstatat(dst_dir, name.c_str(), &d, AT_SYMLINK_NOFOLLOW) == 0;
    if (has_dst && ExcludedDirectory(d)) return {};
    if (has_dst && S_ISREG(d.st_mode) && Known(d)) {
      stats_.files_unchanged += 1;
      return {};
    }
  }
  if (::fstatat(src_dir, name.c_str(), &s, AT_SYMLINK_NOFOLLOW) != 0) {
    return Vanished() ? Status() : Errno("stat", Src());
  }
  if (ExcludedDirectory(s)) return {};
  if (options_.refuse_uncopyable) NV_RETURN_IF_ERROR(CheckCopyableBack(s, Src()));
  if (options_.seen) options_.seen->files.emplace(rel_, StampOf(s));
  if (options_.known && !restoring && S_ISREG(s.st_mode) && Known(s)) {
    stats_.files_unchanged += 1;
    return {};
  }
  if (!restoring) has_dst = ::fstatat(dst_dir, name.c_str(), &d, AT_SYMLINK_NOFOLLOW) == 0;
  if (has_dst && ExcludedDirectory(d)) return {};
  if (S_ISDIR(s.st_mode)) return Subdirectory(src_dir, dst_dir, name, s, has_dst ? &d : nullptr);
  if (S_ISREG(s.st_mode)) return File(src_dir, dst_dir, name, s, has_dst ? &d : nullptr);
  if (S_ISLNK(s.st_mode)) return Symlink(src_dir, dst_dir, name, s, has_dst ? &d : nullptr);
  if (!has_dst) return {};  // sockets, FIFOs, devices hold no data
  Touch(Dst().parent_path());
  return RemoveAll(Dst());
}

Status TreeSync::Subdirectory(int src_dir, int dst_dir, const std::string& name,
                              const struct stat& s, const struct stat* d) {
  bool dst_is_dir = d && S_ISDIR(d->st_mode);
  if (d && !dst_is_dir) NV_RETURN_IF_ERROR(RemoveAll(Dst()));
  if (!dst_is_dir) {
    if (::mkdirat(dst_dir, name.c_str(), 0700) != 0) return Errno("creating directory", Dst());
    Touch(Dst());
    Touch(Dst().parent_path());
  }
  Fd src_child(::openat(src_dir, name.c_str(), kOpenDirectory));
  if (src_child.get() < 0) return Vanished() ? Forget() : Errno("opening directory", Src());
  Fd dst_child(::openat(dst_dir, name.c_str(), kOpenDirectory));
  if (dst_child.get() < 0) return Errno("opening directory", Dst());
  // A directory whose stamp is unchanged since both trees were equal still
  // holds the same names: only its entries need looking at.
  bool same_names =
      options_.known && dst_is_dir && Known(options_.known_side == KnownSide::kSource ? s : *d);
  NV_RETURN_IF_ERROR(Directory(src_child.get(), dst_child.get(), same_names));
  return Metadata(s, Dst());
}

Status TreeSync::File(int src_dir, int dst_dir, const std::string& name, const struct stat& s,
                      const struct stat* d) {
  bool dst_is_file = d && S_ISREG(d->st_mode);
  if (dst_is_file && d->st_nlink == 1 && s.st_size >= static_cast<off_t>(kBlockDeltaMinSize) &&
      d->st_size > 0) {
    Status patched = UpdateFileInPlace(Src(), Dst(), &stats_, options_.live);
    if (!patched.ok()) return Vanished() ? Forget() : patched;
    Touch(Dst());
    return Metadata(s, Dst());
  }
  if (d) NV_RETURN_IF_ERROR(RemoveAll(Dst()));
  Touch(Dst().parent_path());
  if (LinkFromPrevious(s)) return {};
  Status copied = CopyFileAt(src_dir, dst_dir, name.c_str(), s, Src(), Dst(), &stats_);
  if (!copied.ok()) {
    if (!Vanished()) return copied;
    NV_RETURN_IF_ERROR(Forget());
    return RemoveAll(Dst());
  }
  Touch(Dst());
  return {};
}

Status TreeSync::Symlink(int src_dir, int dst_dir, const std::string& name, const struct stat& s,
                         const struct stat* d) {
  Result<std::string> target = ReadLinkAt(src_dir, name.c_str());
  if (!target.ok()) {
    return Vanished() ? Status() : Status::Error("reading symlink " + Src().string());
  }
  NoteLinkedDirectory(src_dir, name);
  if (d && S_ISLNK(d->st_mode)) {
    Result<std::string> current = ReadLinkAt(dst_dir, name.c_str());
    if (current.ok() && *current == *target) return Metadata(s, Dst());
  }
  if (d) NV_RETURN_IF_ERROR(RemoveAll(Dst()));
  if (::symlinkat(target->c_str(), dst_dir, name.c_str()) != 0) {
    return Errno("copying symlink", Src());
  }
  Touch(Dst().parent_path());
  return Metadata(s, Dst());
}

void TreeSync::NoteLinkedDirectory(int src_dir, const std::string& name) {
  struct stat target {};
  if (options_.linked_dirs && ::fstatat(src_dir, name.c_str(), &target, 0) == 0 &&
      S_ISDIR(target.st_mode)) {
    options_.linked_dirs->push_back(Src());
  }
}

bool TreeSync::Known(const struct stat& st) const {
  const StampIndex* known = options_.known;
  auto it = known->files.find(rel_);
  if (it == known->files.end()) return false;
  return it->second == StampOf(st) && it->second.ctime_ns < known->taken_at_ns - kRacyWindowNs;
}

bool TreeSync::LinkFromPrevious(const struct stat& s) {
  // A large file copied while the node runs is patched after the stop; a
  // link would have to be copied whole then, while the node is down.
  if (options_.link_dest.empty()) return false;
  if (options_.live && s.st_size >= static_cast<off_t>(kBlockDeltaMinSize)) return false;
  stdfs::path previous = options_.link_dest / rel_;
  struct stat p {};
  if (::lstat(previous.c_str(), &p) != 0 || !S_ISREG(p.st_mode)) return false;
  if (p.st_size != s.st_size || !SameMtime(p, s) || p.st_mode != s.st_mode ||
      p.st_uid != s.st_uid || p.st_gid != s.st_gid) {
    return false;
  }
  stdfs::path dst = Dst();
  if (::link(previous.c_str(), dst.c_str()) != 0) return false;
  stats_.files_linked += 1;
  return true;
}

/// StampTree's walk: the entries of the open directory `dir`, named `rel`.
Status StampDirectory(int dir, const std::string& rel, const std::unordered_set<std::string>& skip,
                      const std::set<std::pair<dev_t, ino_t>>& skip_ids, StampIndex* out) {
  Result<std::vector<std::string>> names = ListNames(dir);
  if (!names.ok()) return Status::Error("listing " + rel + ": " + names.status().message());
  for (const std::string& name : *names) {
    std::string path = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (skip.contains(path)) continue;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return Status::Error("stat " + path + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode) && skip_ids.contains({st.st_dev, st.st_ino})) continue;
    out->files.emplace(path, StampOf(st));
    if (!S_ISDIR(st.st_mode)) continue;
    Fd child(::openat(dir, name.c_str(), kOpenDirectory));
    if (child.get() < 0) return Status::Error("opening " + path + ": " + std::strerror(errno));
    NV_RETURN_IF_ERROR(StampDirectory(child.get(), path, skip, skip_ids, out));
  }
  return {};
}

}  // namespace

Status StampTree(const stdfs::path& root, const std::vector<stdfs::path>& exclude,
                 StampIndex* out) {
  out->taken_at_ns = RealtimeNanos();
  std::unordered_set<std::string> skip;
  AddRelative(exclude, root, &skip);
  Fd dir(::open(root.c_str(), kOpenDirectory));
  if (dir.get() < 0) return Errno("opening directory", root);
  return StampDirectory(dir.get(), "", skip, DirectoryIds(exclude), out);
}

FileStamp StampOf(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size, Nanos(st.st_mtim), Nanos(st.st_ctim)};
}

stdfs::path NormalPath(const stdfs::path& path) {
  stdfs::path normal = path.lexically_normal();
  return normal.has_filename() ? normal : normal.parent_path();
}

int64_t RealtimeNanos() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return Nanos(now);
}

Status SyncTree(const stdfs::path& src, const stdfs::path& dst, const TreeSyncOptions& options,
                CopyStats* stats) {
  if (options.seen) options.seen->taken_at_ns = RealtimeNanos();
  // After taken_at_ns: a write older than the racy window was written back
  // by this sync, so any write after it shows in a stamp.
  if (options.sync_source_first) NV_RETURN_IF_ERROR(SyncFilesystemOf(src));
  return TreeSync(src, dst, options, stats).Run();
}

}  // namespace nymvisor
