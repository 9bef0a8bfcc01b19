#include "agent/adapters/thread_worker.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nymvisor {

Result<std::unique_ptr<ThreadWorker>> ThreadWorker::Create(EventLoop& loop) {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return Status::Error(std::string("eventfd: ") + std::strerror(errno));
  std::unique_ptr<ThreadWorker> worker(new ThreadWorker(fd));
  ThreadWorker* raw = worker.get();
  NV_RETURN_IF_ERROR(loop.WatchFd(fd, EPOLLIN, [raw](uint32_t) { raw->DrainMain(); }));
  return worker;
}

ThreadWorker::ThreadWorker(int event_fd) : event_fd_(event_fd) {
  thread_ = std::thread([this] { Loop(); });
}

ThreadWorker::~ThreadWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  thread_.join();
  ::close(event_fd_);
}

void ThreadWorker::Post(std::function<void()> job, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.emplace_back(std::move(job), std::move(done));
  }
  cv_.notify_all();
}

void ThreadWorker::RunOnMain(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    main_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  ssize_t ignored = ::write(event_fd_, &one, sizeof one);
  (void)ignored;
}

void ThreadWorker::Loop() {
  while (true) {
    std::pair<std::function<void()>, std::function<void()>> next;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      next = std::move(jobs_.front());
      jobs_.pop_front();
    }
    next.first();
    RunOnMain(std::move(next.second));
  }
}

void ThreadWorker::DrainMain() {
  uint64_t count = 0;
  ssize_t ignored = ::read(event_fd_, &count, sizeof count);
  (void)ignored;
  std::deque<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready.swap(main_);
  }
  for (auto& fn : ready) fn();
}

}  // namespace nymvisor
