#include "agent/adapters/posix_host_facts.h"

#include <gnu/libc-version.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace nymvisor {

uint16_t PosixHostFacts::Machine() {
  struct utsname u {};
  if (::uname(&u) != 0) return 0;
  std::string m = u.machine;
  if (m == "x86_64") return 62;
  if (m == "aarch64") return 183;
  if (m == "i686" || m == "i386") return 3;
  if (m.starts_with("arm")) return 40;
  return 0;
}

std::string PosixHostFacts::BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

GlibcVersion PosixHostFacts::Glibc() {
  GlibcVersion v{0, 0};
  std::sscanf(gnu_get_libc_version(), "%d.%d", &v.first, &v.second);
  return v;
}

bool PosixHostFacts::Exists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Result<FilesystemFacts> PosixHostFacts::Filesystem(const std::filesystem::path& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) {
    return Status::Error("statvfs " + path.string() + ": " + std::strerror(errno));
  }
  return FilesystemFacts{(s.f_flag & ST_NOEXEC) != 0,
                         static_cast<uint64_t>(s.f_bavail) * s.f_frsize,
                         static_cast<uint64_t>(s.f_fsid)};
}

uint64_t PosixHostFacts::TreeBytes(const std::filesystem::path& dir,
                                   const std::filesystem::path& skip) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path() == skip) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code size_ec;
    if (it->is_regular_file(size_ec) && !it->is_symlink(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace nymvisor
