#include "agent/adapters/file_copy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "agent/adapters/fd.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

constexpr off_t kBlock = 1 << 20;        ///< read/write buffer
constexpr off_t kPatchBlock = 64 << 10;  ///< compared and rewritten as a unit

/// Unmaps a mapping when it goes out of scope.
struct Mapping {
  void* addr = MAP_FAILED;
  size_t length = 0;
  Mapping(int fd, off_t offset, size_t len) : length(len) {
    addr = ::mmap(nullptr, len, PROT_READ, MAP_SHARED, fd,
                  offset);  // faulted in by the comparing threads
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (addr != MAP_FAILED) ::munmap(addr, length);
  }
  const char* data() const { return static_cast<const char*>(addr); }
};

/// Reads up to `len` bytes at `at`; fewer only at the end of the file.
ssize_t ReadAt(int fd, char* data, size_t len, off_t at) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, data + done, len - done, at + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    done += n;
  }
  return static_cast<ssize_t>(done);
}

/// Copies [from, to) by pread/pwrite, for filesystems that refuse copy_file_range.
Status CopyRangeByReadWrite(int in, int out, off_t from, off_t to, const stdfs::path& dst,
                            CopyStats* stats) {
  std::vector<char> buffer(kBlock);
  while (from < to) {
    ssize_t n = ReadAt(in, buffer.data(), std::min<off_t>(kBlock, to - from), from);
    if (n < 0) return Errno("reading the source of", dst);
    if (n == 0) return {};  // the source shrank (a live copy): the delta pass repairs it
    NV_RETURN_IF_ERROR(WriteAt(out, std::string_view(buffer.data(), n), from, dst));
    from += n;
    stats->bytes_written += n;
  }
  return {};
}

// copy_file_range is fast (reflinks, in-kernel copies) but refuses some pairs
// of filesystems: EXDEV across mounts before Linux 5.19, EOPNOTSUPP/ENOSYS/
// EINVAL elsewhere; read/write takes over from where it stopped.
Status CopyRange(int in, int out, off_t from, off_t to, const stdfs::path& dst, CopyStats* stats) {
  while (from < to) {
    loff_t in_off = from, out_off = from;
    ssize_t n = ::copy_file_range(in, &in_off, out, &out_off, to - from, 0);
    if (n == 0) return {};
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)) {
      return CopyRangeByReadWrite(in, out, from, to, dst, stats);
    }
    if (n < 0) return Errno("copying to", dst);
    from += n;
    stats->bytes_written += n;
  }
  return {};
}

/// The next data offset at or after `pos`, or `end` when only a hole is left.
/// A filesystem without SEEK_DATA reports everything as data.
off_t NextData(int fd, off_t pos, off_t end) {
  off_t data = ::lseek(fd, pos, SEEK_DATA);
  if (data < 0) return errno == ENXIO ? end : pos;
  return std::min(data, end);
}

off_t NextHole(int fd, off_t pos, off_t end) {
  off_t hole = ::lseek(fd, pos, SEEK_HOLE);
  return hole < 0 ? end : std::min(hole, end);
}

/// Copies the data ranges of [from, to), leaving holes as holes.
Status CopyDataRanges(int in, int out, off_t from, off_t to, const stdfs::path& dst,
                      CopyStats* stats) {
  while (from < to) {
    off_t data = NextData(in, from, to);
    if (data >= to) break;
    off_t hole = NextHole(in, data, to);
    NV_RETURN_IF_ERROR(CopyRange(in, out, data, hole, dst, stats));
    from = hole;
  }
  return {};
}

bool AllZero(const char* data, size_t length) {
  return length == 0 || (data[0] == 0 && std::memcmp(data, data + 1, length - 1) == 0);
}

/// The offsets (from `a`, `b`) of the kPatchBlock blocks of [begin, end)
/// that differ; `end - begin` is the length of both mappings' range.
std::vector<off_t> DifferingBlocks(const char* a, const char* b, off_t begin, off_t end) {
  std::vector<off_t> differ;
  for (off_t off = begin; off < end; off += kPatchBlock) {
    size_t len = std::min<off_t>(kPatchBlock, end - off);
    if (std::memcmp(a + off, b + off, len) != 0) differ.push_back(off);
  }
  return differ;
}

/// DifferingBlocks over [0, length), in two threads for a large range: the
/// comparison is what the node waits for after its stop.
std::vector<off_t> FindDifferingBlocks(const char* a, const char* b, off_t length) {
  if (length < 64 * kBlock) return DifferingBlocks(a, b, 0, length);
  off_t half = length / 2 / kPatchBlock * kPatchBlock;
  std::vector<off_t> second;
  std::thread other([&] { second = DifferingBlocks(a, b, half, length); });
  std::vector<off_t> first = DifferingBlocks(a, b, 0, half);
  other.join();
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

/// Writes `len` bytes of `data` at `at` of `out`, punching a hole instead
/// where they are all zeros.
Status WriteBlock(int out, const char* data, size_t len, off_t at, const stdfs::path& dst,
                  CopyStats* stats) {
  if (AllZero(data, len) &&
      ::fallocate(out, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, at, len) == 0) {
    return {};
  }
  NV_RETURN_IF_ERROR(WriteAt(out, std::string_view(data, len), at, dst));
  stats->bytes_written += len;
  return {};
}

/// Writes the 64 KiB blocks of [from, to) where `out` differs from `in`; an
/// all-zero block of `in` becomes a hole.
Status PatchRange(int in, int out, off_t from, off_t to, const stdfs::path& dst, CopyStats* stats) {
  from -= from % ::sysconf(_SC_PAGESIZE);  // mmap offsets are page aligned
  Mapping a(in, from, to - from), b(out, from, to - from);
  if (a.addr == MAP_FAILED || b.addr == MAP_FAILED) return Errno("mapping", dst);
  for (off_t off : FindDifferingBlocks(a.data(), b.data(), to - from)) {
    size_t len = std::min<off_t>(kPatchBlock, to - from - off);
    NV_RETURN_IF_ERROR(WriteBlock(out, a.data() + off, len, from + off, dst, stats));
  }
  return {};
}

/// PatchRange for a source in use: read with pread, never mapped (touching
/// a mapping past the end of a file that shrank kills with SIGBUS). One
/// thread: the node is still up.
Status PatchRangeByRead(int in, int out, off_t from, off_t to, const stdfs::path& dst,
                        CopyStats* stats) {
  std::vector<char> a(kPatchBlock), b(kPatchBlock);
  for (off_t off = from; off < to; off += kPatchBlock) {
    size_t len = std::min<off_t>(kPatchBlock, to - off);
    ssize_t n = ReadAt(in, a.data(), len, off);
    if (n < 0) return Errno("reading the source of", dst);
    if (n == 0) return {};  // the source shrank: the pass after the stop repairs it
    ssize_t m = ReadAt(out, b.data(), n, off);
    if (m < 0) return Errno("reading", dst);
    if (m == n && std::memcmp(a.data(), b.data(), n) == 0) continue;
    NV_RETURN_IF_ERROR(WriteBlock(out, a.data(), n, off, dst, stats));
  }
  return {};
}

/// Makes [0, common) of `out` equal to `in`: data ranges are compared block by
/// block, holes of `in` are punched into `out`.
Status PatchCommonPart(int in, int out, off_t common, bool in_use, const stdfs::path& dst,
                       CopyStats* stats) {
  for (off_t pos = 0; pos < common;) {
    off_t data = NextData(in, pos, common);
    if (data > pos && NextData(out, pos, data) < data &&
        ::fallocate(out, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, data - pos) != 0) {
      return Errno("punching a hole in", dst);
    }
    if (data >= common) break;
    off_t hole = NextHole(in, data, common);
    NV_RETURN_IF_ERROR(in_use ? PatchRangeByRead(in, out, data, hole, dst, stats)
                              : PatchRange(in, out, data, hole, dst, stats));
    pos = hole;
  }
  return {};
}

/// Makes all of `out` share `in`'s extents (FICLONE), in time that grows with
/// the number of extents, not the bytes: cheaper than comparing blocks, and a
/// compare would read a clone's blocks from the disk (its page cache is its
/// own). False where the filesystem cannot (ext4, or across filesystems);
/// `out` is then unchanged. A write to either file afterwards stays private.
bool CloneWhole(int in, int out) { return ::ioctl(out, FICLONE, in) == 0; }

/// The data of `in` into the new, empty file `out`: a reflink where the
/// filesystem can, else its data ranges.
Status CopyData(int in, int out, const stdfs::path& src, const stdfs::path& dst, CopyStats* stats) {
  stats->files_copied += 1;
  if (CloneWhole(in, out)) return {};
  struct stat st {};
  if (::fstat(in, &st) != 0) return Errno("stat", src);
  NV_RETURN_IF_ERROR(CopyDataRanges(in, out, 0, st.st_size, dst, stats));
  // Sized only when it ends in a hole: a truncate is one more journalled
  // change of the inode, per file.
  if (::lseek(out, 0, SEEK_END) != st.st_size && ::ftruncate(out, st.st_size) != 0) {
    return Errno("sizing", dst);
  }
  return {};
}

constexpr int kNewFile = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;

}  // namespace

Status WriteAt(int fd, std::string_view data, off_t at, const stdfs::path& path) {
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, at + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("writing", path);
    done += n;
  }
  return {};
}

Status SyncFilesystemOf(const stdfs::path& root) {
  Fd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("opening", root);
  if (::syncfs(fd.get()) != 0) return Errno("syncing", root);
  return {};
}

Status Errno(std::string_view what, const stdfs::path& path) {
  return Status::Error(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

Status CopyFileData(const stdfs::path& src, const stdfs::path& dst, CopyStats* stats) {
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) return Errno("reading", src);
  Fd out(::open(dst.c_str(), kNewFile, 0600));
  if (out.get() < 0) return Errno("creating", dst);
  NV_RETURN_IF_ERROR(CopyData(in.get(), out.get(), src, dst, stats));
  return out.Close() == 0 ? Status() : Errno("closing", dst);
}

Status CopyFileAt(int src_dir, int dst_dir, const char* name, const struct stat& st,
                  const stdfs::path& src, const stdfs::path& dst, CopyStats* stats) {
  Fd in(::openat(src_dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) return Errno("reading", src);
  Fd out(::openat(dst_dir, name, kNewFile, st.st_mode & 0777));
  if (out.get() < 0) return Errno("creating", dst);
  NV_RETURN_IF_ERROR(CopyData(in.get(), out.get(), src, dst, stats));
  NV_RETURN_IF_ERROR(CopyMetadataAt(out.get(), "", st, dst));
  return out.Close() == 0 ? Status() : Errno("closing", dst);
}

Status UpdateFileInPlace(const stdfs::path& src, const stdfs::path& dst, CopyStats* stats,
                         bool source_in_use) {
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) return Errno("reading", src);
  Fd out(::open(dst.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (out.get() < 0) return Errno("opening", dst);
  struct stat s {
  }, d{};
  if (::fstat(in.get(), &s) != 0 || ::fstat(out.get(), &d) != 0) return Errno("stat", dst);
  if (!S_ISREG(s.st_mode) || !S_ISREG(d.st_mode))
    return Status::Error(dst.string() + ": not a file");
  stats->files_patched += 1;
  off_t common = std::min(s.st_size, d.st_size);
  if (::ftruncate(out.get(), common) != 0) return Errno("sizing", dst);
  if (CloneWhole(in.get(), out.get())) {
    if (::fstat(in.get(), &s) != 0) return Errno("stat", src);  // the size it was cloned at
  } else {
    NV_RETURN_IF_ERROR(PatchCommonPart(in.get(), out.get(), common, source_in_use, dst, stats));
    NV_RETURN_IF_ERROR(CopyDataRanges(in.get(), out.get(), common, s.st_size, dst, stats));
  }
  if (::ftruncate(out.get(), s.st_size) != 0) return Errno("sizing", dst);
  return out.Close() == 0 ? Status() : Errno("closing", dst);
}

namespace {

/// The flags of the *at calls for the entry `name` of `dir`: "" is `dir`
/// itself (an open file), a symlink is never followed.
int AtFlags(const char* name) { return AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH); }

/// Gives the entry (whose permission bits are now `now`) the bits `mode`.
/// Under the agent unit's RestrictSUIDSGID= a setuid/setgid bit cannot be
/// set: the copy then keeps the other bits rather than failing the backup.
Status CopyMode(int dir, const char* name, mode_t now, mode_t mode, const stdfs::path& dst) {
  auto chmod = [&](mode_t bits) {
    return *name ? ::fchmodat(dir, name, bits, 0) : ::fchmod(dir, bits);
  };
  if (now == mode) return {};
  if (chmod(mode) == 0) return {};
  if (errno == EPERM && (mode & 06000) != 0 && chmod(mode & 01777) == 0) return {};
  return Errno("chmod", dst);
}

}  // namespace

bool SameMtime(const struct stat& a, const struct stat& b) {
  return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

Status CopyMetadataAt(int dir, const char* name, const struct stat& st, const stdfs::path& dst,
                      bool* changed) {
  // Only what differs is set: an agent running as the node's account cannot
  // give files away, and needs not for its own.
  struct stat now {};
  if (::fstatat(dir, name, &now, AtFlags(name)) != 0) return Errno("stat", dst);
  bool set = false;
  if (now.st_uid != st.st_uid || now.st_gid != st.st_gid) {
    if (::fchownat(dir, name, st.st_uid, st.st_gid, AtFlags(name)) != 0) {
      return Errno("chown", dst);
    }
    // chown drops setuid bits
    if (::fstatat(dir, name, &now, AtFlags(name)) != 0) return Errno("stat", dst);
    set = true;
  }
  if (!S_ISLNK(st.st_mode) && (now.st_mode & 07777) != (st.st_mode & 07777)) {
    NV_RETURN_IF_ERROR(CopyMode(dir, name, now.st_mode & 07777, st.st_mode & 07777, dst));
    set = true;
  }
  if (!SameMtime(now, st)) {
    timespec times[2] = {st.st_atim, st.st_mtim};
    int set_times =
        *name ? ::utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) : ::futimens(dir, times);
    if (set_times != 0) {
      return Errno("setting times of", dst);
    }
    set = true;
  }
  if (changed) *changed = *changed || set;
  return {};
}

Status CopyMetadata(const struct stat& st, const stdfs::path& dst, bool* changed) {
  return CopyMetadataAt(AT_FDCWD, dst.c_str(), st, dst, changed);
}

namespace {

constexpr size_t kMostPathsToSync =
    32;  ///< beyond this one syncfs is cheaper (an fsync costs a journal commit)

Status SyncOne(const stdfs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0 && errno == ELOOP) return {};  // a symlink: its directory holds it
  if (fd.get() < 0) return Errno("opening", path);
  if (::fsync(fd.get()) != 0) return Errno("syncing", path);
  return {};
}

}  // namespace

Status SyncPaths(const std::vector<stdfs::path>& paths, const stdfs::path& root) {
  if (paths.size() > kMostPathsToSync) return SyncFilesystemOf(root);
  for (const stdfs::path& path : paths) NV_RETURN_IF_ERROR(SyncOne(path));
  return {};
}

}  // namespace nymvisor
