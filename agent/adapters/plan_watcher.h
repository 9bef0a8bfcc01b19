#ifndef NYMVISOR_AGENT_ADAPTERS_PLAN_WATCHER_H_
#define NYMVISOR_AGENT_ADAPTERS_PLAN_WATCHER_H_

#include <filesystem>
#include <functional>
#include <memory>

#include "agent/adapters/event_loop.h"

namespace nymvisor {

/// Calls back when upgrade-plan.json is replaced or rewritten (by add-upgrade
/// or by the agent itself), using inotify on the data directory, so atomic
/// rename-replacement is seen (the original's watcher missed it). Changes that
/// arrive together are folded into one call. Main thread only.
class PlanWatcher {
 public:
  static Result<std::unique_ptr<PlanWatcher>> Create(EventLoop& loop,
                                                     const std::filesystem::path& plan_file,
                                                     std::function<void()> on_change);
  ~PlanWatcher();

 private:
  PlanWatcher(EventLoop& loop, int fd, std::string name, std::function<void()> on_change)
      : loop_(loop), fd_(fd), name_(std::move(name)), on_change_(std::move(on_change)) {}
  void OnReadable();

  EventLoop& loop_;
  int fd_;
  std::string name_;
  std::function<void()> on_change_;
  Scheduler::TimerId pending_ = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_PLAN_WATCHER_H_
