#ifndef NYMVISOR_AGENT_WORKER_H_
#define NYMVISOR_AGENT_WORKER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "agent/event_loop.h"

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

/// One background thread; completions reach the main thread through an
/// eventfd watched by the EventLoop. The destructor finishes the running job
/// and drops queued ones.
class ThreadWorker : public Worker {
 public:
  static Result<std::unique_ptr<ThreadWorker>> Create(EventLoop& loop);
  ~ThreadWorker() override;

  void Post(std::function<void()> job, std::function<void()> done) override;
  void RunOnMain(std::function<void()> fn) override;

 private:
  explicit ThreadWorker(int event_fd);
  void Loop();
  void DrainMain();

  int event_fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::function<void()>, std::function<void()>>> jobs_;  // GUARDED_BY(mu_)
  std::deque<std::function<void()>> main_;                                    // GUARDED_BY(mu_)
  bool stop_ = false;                                                         // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_WORKER_H_
