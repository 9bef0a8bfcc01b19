#include "agent/adapters/plan_watcher.h"

#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nymvisor {

Result<std::unique_ptr<PlanWatcher>> PlanWatcher::Create(EventLoop& loop,
                                                         const std::filesystem::path& plan_file,
                                                         std::function<void()> on_change) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status::Error(std::string("inotify: ") + std::strerror(errno));
  std::string dir = plan_file.parent_path().string();
  if (::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    int err = errno;
    ::close(fd);
    return Status::Error("watching " + dir + ": " + std::strerror(err));
  }
  std::unique_ptr<PlanWatcher> watcher(
      new PlanWatcher(loop, fd, plan_file.filename().string(), std::move(on_change)));
  PlanWatcher* raw = watcher.get();
  NV_RETURN_IF_ERROR(loop.WatchFd(fd, EPOLLIN, [raw](uint32_t) { raw->OnReadable(); }));
  return watcher;
}

PlanWatcher::~PlanWatcher() {
  if (pending_ != 0) loop_.Cancel(pending_);
  ::close(fd_);
}

void PlanWatcher::OnReadable() {
  alignas(inotify_event) char buf[4096];
  bool matched = false;
  ssize_t n;
  while ((n = ::read(fd_, buf, sizeof buf)) > 0) {
    for (char* p = buf; p < buf + n;) {
      auto* event = reinterpret_cast<inotify_event*>(p);
      if (event->len > 0 && name_ == event->name) matched = true;
      p += sizeof(inotify_event) + event->len;
    }
  }
  if (!matched || pending_ != 0) return;
  pending_ = loop_.After(std::chrono::milliseconds(100), [this] {
    pending_ = 0;
    on_change_();
  });
}

}  // namespace nymvisor
