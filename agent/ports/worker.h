#ifndef NYMVISOR_AGENT_PORTS_WORKER_H_
#define NYMVISOR_AGENT_PORTS_WORKER_H_

#include <functional>

namespace nymvisor {

/// Runs blocking jobs (downloads, hashing, backups) away from the main loop,
/// so the loop keeps answering D-Bus and the watchdog, and hands results back
/// on the main thread.
class Worker {
 public:
  virtual ~Worker() = default;
  /// Runs `job` on the worker, then `done` on the main thread. Jobs run one at
  /// a time, in order.
  virtual void Post(std::function<void()> job, std::function<void()> done) = 0;
  /// Callable from any thread: runs `fn` on the main thread soon.
  virtual void RunOnMain(std::function<void()> fn) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_WORKER_H_
