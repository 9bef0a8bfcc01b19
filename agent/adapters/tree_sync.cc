#include "agent/adapters/tree_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <unordered_set>

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

/// File times come from a coarse clock (a tick of a few ms): a file written
/// in the same tick as its stamp was taken keeps the stamp. Entries changed
/// this close to the walk are compared again ("racily clean", as git says).
constexpr int64_t kRacyWindowNs = 1'000'000'000;

int64_t Nanos(const timespec& ts) { return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec; }

bool SameMtime(const struct stat& a, const struct stat& b) {  // for --link-dest
  return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

Status RemoveAll(const stdfs::path& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);  // removes a symlink itself, never its target
  if (ec) return Status::Error("removing " + path.string() + ": " + ec.message());
  return {};
}

/// One sync: the options and the running totals, walked depth first.
class TreeSync {
 public:
  TreeSync(const TreeSyncOptions& options, CopyStats* stats) : options_(options), stats_(*stats) {
    for (const stdfs::path& path : options.exclude)
      exclude_.insert(path.lexically_normal().string());
  }

  Status Directory(const stdfs::path& src, const stdfs::path& dst, const std::string& rel);

 private:
  bool Excluded(const stdfs::path& path) const { return exclude_.contains(path.string()); }
  Status Entry(const stdfs::path& src, const stdfs::path& dst, const std::string& rel);
  Status File(const stdfs::path& src, const stdfs::path& dst, const std::string& rel,
              const struct stat& s, const struct stat* d);
  Status Symlink(const stdfs::path& src, const stdfs::path& dst, const struct stat& s,
                 const struct stat* d);
  /// `st` (of the known side) has the stamp recorded for `rel`, recorded
  /// well before the walk that recorded it: the file is unchanged since.
  bool Known(const std::string& rel, const struct stat& st) const;
  bool LinkFromPrevious(const std::string& rel, const struct stat& s, const stdfs::path& dst);
  bool Vanished() const { return options_.live && errno == ENOENT; }
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

  const TreeSyncOptions& options_;
  CopyStats& stats_;
  std::unordered_set<std::string> exclude_;
};

Status TreeSync::Directory(const stdfs::path& src, const stdfs::path& dst, const std::string& rel) {
  std::unordered_set<std::string> names;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(src, ec)) {
    if (Excluded(entry.path())) continue;
    std::string name = entry.path().filename().string();
    names.insert(name);
    NV_RETURN_IF_ERROR(Entry(entry.path(), dst / name, rel.empty() ? name : rel + "/" + name));
  }
  if (ec && !(options_.live && ec == std::errc::no_such_file_or_directory)) {
    return Status::Error("listing " + src.string() + ": " + ec.message());
  }
  for (const auto& entry : stdfs::directory_iterator(dst, ec)) {
    if (Excluded(entry.path()) || names.contains(entry.path().filename().string())) continue;
    NV_RETURN_IF_ERROR(RemoveAll(entry.path()));
    Touch(dst);
  }
  if (ec) return Status::Error("listing " + dst.string() + ": " + ec.message());
  return {};
}

Status TreeSync::Entry(const stdfs::path& src, const stdfs::path& dst, const std::string& rel) {
  struct stat s {
  }, d{};
  // A file whose stamp on the known side is as it was when both trees were
  // equal is not looked at again: one lstat per unchanged file.
  bool restoring = options_.known && options_.known_side == KnownSide::kDestination;
  if (restoring && ::lstat(dst.c_str(), &d) == 0 && S_ISREG(d.st_mode) && Known(rel, d)) {
    stats_.files_unchanged += 1;
    return {};
  }
  if (::lstat(src.c_str(), &s) != 0) return Vanished() ? Status() : Errno("stat", src);
  if (options_.seen) options_.seen->files[rel] = StampOf(s);
  if (options_.known && !restoring && S_ISREG(s.st_mode) && Known(rel, s)) {
    stats_.files_unchanged += 1;
    return {};
  }
  bool has_dst = ::lstat(dst.c_str(), &d) == 0;
  if (S_ISDIR(s.st_mode)) {
    if (has_dst && !S_ISDIR(d.st_mode)) NV_RETURN_IF_ERROR(RemoveAll(dst));
    if (!has_dst || !S_ISDIR(d.st_mode)) {
      if (::mkdir(dst.c_str(), 0700) != 0) return Errno("creating directory", dst);
      Touch(dst);
      Touch(dst.parent_path());
    }
    NV_RETURN_IF_ERROR(Directory(src, dst, rel));
    return Metadata(s, dst);
  }
  if (S_ISREG(s.st_mode)) return File(src, dst, rel, s, has_dst ? &d : nullptr);
  if (S_ISLNK(s.st_mode)) return Symlink(src, dst, s, has_dst ? &d : nullptr);
  if (!has_dst) return {};  // sockets, FIFOs, devices hold no data
  Touch(dst.parent_path());
  return RemoveAll(dst);
}

Status TreeSync::File(const stdfs::path& src, const stdfs::path& dst, const std::string& rel,
                      const struct stat& s, const struct stat* d) {
  bool dst_is_file = d && S_ISREG(d->st_mode);
  if (dst_is_file && d->st_nlink == 1 && s.st_size >= static_cast<off_t>(kBlockDeltaMinSize) &&
      d->st_size > 0) {
    NV_RETURN_IF_ERROR(UpdateFileInPlace(src, dst, &stats_));
    Touch(dst);
    return Metadata(s, dst);
  }
  if (d) NV_RETURN_IF_ERROR(RemoveAll(dst));
  Touch(dst.parent_path());
  if (LinkFromPrevious(rel, s, dst)) return {};
  Status copied = CopyFileData(src, dst, &stats_);
  if (!copied.ok()) {
    if (!Vanished()) return copied;
    if (options_.seen) options_.seen->files.erase(rel);  // never copied: not known
    return RemoveAll(dst);
  }
  Touch(dst);
  return Metadata(s, dst);
}

Status TreeSync::Symlink(const stdfs::path& src, const stdfs::path& dst, const struct stat& s,
                         const struct stat* d) {
  std::error_code ec;
  stdfs::path target = stdfs::read_symlink(src, ec);
  if (ec) return Vanished() ? Status() : Status::Error("reading symlink " + src.string());
  if (d && S_ISLNK(d->st_mode) && stdfs::read_symlink(dst, ec) == target && !ec) {
    return Metadata(s, dst);
  }
  if (d) NV_RETURN_IF_ERROR(RemoveAll(dst));
  if (::symlink(target.c_str(), dst.c_str()) != 0) return Errno("copying symlink", src);
  Touch(dst.parent_path());
  return Metadata(s, dst);
}

bool TreeSync::Known(const std::string& rel, const struct stat& st) const {
  const StampIndex* known = options_.known;
  auto it = known->files.find(rel);
  if (it == known->files.end()) return false;
  return it->second == StampOf(st) && it->second.ctime_ns < known->taken_at_ns - kRacyWindowNs;
}

bool TreeSync::LinkFromPrevious(const std::string& rel, const struct stat& s,
                                const stdfs::path& dst) {
  // A large file copied while the node runs is patched after the stop; a
  // link would have to be copied whole then, while the node is down.
  if (options_.link_dest.empty()) return false;
  if (options_.live && s.st_size >= static_cast<off_t>(kBlockDeltaMinSize)) return false;
  stdfs::path previous = options_.link_dest / rel;
  struct stat p {};
  if (::lstat(previous.c_str(), &p) != 0 || !S_ISREG(p.st_mode)) return false;
  if (p.st_size != s.st_size || !SameMtime(p, s) || p.st_mode != s.st_mode ||
      p.st_uid != s.st_uid || p.st_gid != s.st_gid) {
    return false;
  }
  if (::link(previous.c_str(), dst.c_str()) != 0) return false;
  stats_.files_linked += 1;
  return true;
}

}  // namespace

FileStamp StampOf(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size, Nanos(st.st_mtim), Nanos(st.st_ctim)};
}

int64_t RealtimeNanos() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return Nanos(now);
}

Status SyncTree(const stdfs::path& src, const stdfs::path& dst, const TreeSyncOptions& options,
                CopyStats* stats) {
  if (options.seen) options.seen->taken_at_ns = RealtimeNanos();
  TreeSync sync(options, stats);
  return sync.Directory(src, dst, "");
}

}  // namespace nymvisor
