#ifndef NYMVISOR_AGENT_ADAPTERS_INSTANCE_LOCK_H_
#define NYMVISOR_AGENT_ADAPTERS_INSTANCE_LOCK_H_

#include <filesystem>
#include <memory>
#include <string>

#include "agent/base/status.h"

namespace nymvisor {

/// The one-agent-per-instance lock: an flock on the instance's agent.lock,
/// which holds the holder's pid. Released when the object goes (or the
/// process dies). Used on the main thread at start-up.
class InstanceLock {
 public:
  /// Takes the lock without waiting. When another agent holds it, the error
  /// names that agent (its pid and, from its cgroup, its unit) and says how
  /// to reach or stop it.
  static Result<std::unique_ptr<InstanceLock>> Acquire(const std::filesystem::path& path,
                                                       const std::string& id);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

/// The systemd unit a process runs in, from /proc/PID/cgroup ("" if none).
std::string UnitOfProcess(long pid);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_INSTANCE_LOCK_H_
