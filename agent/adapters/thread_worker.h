#ifndef NYMVISOR_AGENT_ADAPTERS_THREAD_WORKER_H_
#define NYMVISOR_AGENT_ADAPTERS_THREAD_WORKER_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "agent/adapters/event_loop.h"
#include "agent/ports/worker.h"

namespace nymvisor {

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

#endif  // NYMVISOR_AGENT_ADAPTERS_THREAD_WORKER_H_
