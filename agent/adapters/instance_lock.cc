#include "agent/adapters/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace nymvisor {
namespace {

/// The pid the holder wrote, or 0.
long HolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  char* end = nullptr;
  long pid = std::strtol(buf, &end, 10);
  return pid > 0 ? pid : 0;
}

std::string Busy(const std::filesystem::path& path, const std::string& id, long pid) {
  std::string who = pid > 0 ? "pid " + std::to_string(pid) : "a process";
  std::string unit = pid > 0 ? UnitOfProcess(pid) : "";
  if (!unit.empty()) who += ", in " + unit;
  return "another nymvisor agent runs for instance '" + id + "' (" + who + ", holding " +
         path.string() + "); only one may run. Ask it with 'nymvisor status --id " + id +
         "', or stop it first (" +
         (unit.empty() ? "kill " + std::to_string(pid) : "systemctl stop " + unit) + ")";
}

}  // namespace

std::string UnitOfProcess(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    std::string leaf = line.substr(slash + 1);
    if (leaf.ends_with(".service")) return leaf;
  }
  return "";
}

Result<std::unique_ptr<InstanceLock>> InstanceLock::Acquire(const std::filesystem::path& path,
                                                            const std::string& id) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Error("opening " + path.string() + ": " + std::strerror(errno));
  }
  std::unique_ptr<InstanceLock> lock(new InstanceLock(fd));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return Status::Error(Busy(path, id, HolderPid(fd)));
    return Status::Error("locking " + path.string() + ": " + std::strerror(errno));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    return Status::Error("writing " + path.string() + ": " + std::strerror(errno));
  }
  return lock;
}

InstanceLock::~InstanceLock() { ::close(fd_); }

}  // namespace nymvisor
