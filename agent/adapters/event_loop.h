#ifndef NYMVISOR_AGENT_ADAPTERS_EVENT_LOOP_H_
#define NYMVISOR_AGENT_ADAPTERS_EVENT_LOOP_H_

#include <functional>
#include <map>
#include <memory>

#include "agent/base/status.h"
#include "agent/ports/scheduler.h"

struct sd_event;
struct sd_event_source;

namespace nymvisor {

/// The agent's main loop, on sd-event: timers, signals and file descriptors,
/// with the systemd watchdog pinged from the loop itself (so a stuck agent
/// stops pinging). Everything runs on the thread that created it.
class EventLoop : public Scheduler {
 public:
  /// Blocks SIGTERM, SIGINT and SIGHUP on the calling thread (create it before
  /// any other thread) so that they arrive as loop events.
  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  TimerId After(Duration delay, Callback cb) override;
  TimerId At(Timestamp when, Callback cb) override;
  void Cancel(TimerId id) override;

  /// Calls `cb` whenever `signo` (SIGTERM, SIGINT or SIGHUP) arrives.
  Status OnSignal(int signo, Callback cb);

  /// Calls `cb(revents)` when `fd` is ready for `events` (EPOLLIN, ...).
  /// `prepare`, if given, runs before every wait and may change the events.
  using IoCallback = std::function<void(uint32_t revents)>;
  using PrepareCallback = std::function<uint32_t()>;  ///< returns the events to wait for
  Status WatchFd(int fd, uint32_t events, IoCallback cb, PrepareCallback prepare = {});

  /// Runs until Exit(); returns its code.
  int Run();
  void Exit(int code);

 private:
  struct Timer;
  struct Handler;
  explicit EventLoop(sd_event* event);
  TimerId AddTimer(int clock, uint64_t usec, Callback cb);
  static int OnTimer(sd_event_source* source, uint64_t usec, void* userdata);

  sd_event* event_;
  TimerId next_id_ = 1;
  std::map<TimerId, std::unique_ptr<Timer>> timers_;
  std::vector<std::unique_ptr<Handler>> handlers_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_EVENT_LOOP_H_
