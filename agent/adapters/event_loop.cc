#include "agent/adapters/event_loop.h"

#include <signal.h>
#include <systemd/sd-event.h>

#include <cstring>
#include <ctime>

namespace nymvisor {

struct EventLoop::Timer {
  EventLoop* loop;
  TimerId id;
  Callback cb;
  sd_event_source* source = nullptr;
};

/// A signal or I/O source and its callbacks; lives as long as the loop.
struct EventLoop::Handler {
  Callback on_signal;
  IoCallback on_io;
  PrepareCallback prepare;
  sd_event_source* source = nullptr;
};

namespace {

Status SdError(const char* what, int rc) {
  return Status::Error(std::string(what) + ": " + std::strerror(-rc));
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  sd_event* event = nullptr;
  if (int rc = sd_event_new(&event); rc < 0) return SdError("creating the event loop", rc);
  sd_event_set_watchdog(event, 1);  // pings WATCHDOG=1 from the loop when enabled
  return std::unique_ptr<EventLoop>(new EventLoop(event));
}

EventLoop::EventLoop(sd_event* event) : event_(event) {}

EventLoop::~EventLoop() {
  for (auto& [id, timer] : timers_) sd_event_source_unref(timer->source);
  for (auto& h : handlers_) sd_event_source_unref(h->source);
  sd_event_unref(event_);
}

int EventLoop::OnTimer(sd_event_source*, uint64_t, void* userdata) {
  auto* timer = static_cast<Timer*>(userdata);
  Callback cb = std::move(timer->cb);
  timer->loop->Cancel(timer->id);  // frees `timer`; the callback was moved out
  cb();
  return 0;
}

EventLoop::TimerId EventLoop::AddTimer(int clock, uint64_t usec, Callback cb) {
  auto timer = std::make_unique<Timer>(Timer{this, next_id_++, std::move(cb)});
  int rc = sd_event_add_time(event_, &timer->source, clock, usec, 1000, OnTimer, timer.get());
  if (rc < 0) return 0;
  TimerId id = timer->id;
  timers_[id] = std::move(timer);
  return id;
}

EventLoop::TimerId EventLoop::After(Duration delay, Callback cb) {
  uint64_t now = 0;
  sd_event_now(event_, CLOCK_MONOTONIC, &now);
  auto usec = std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
  return AddTimer(CLOCK_MONOTONIC, now + static_cast<uint64_t>(std::max<int64_t>(usec, 0)),
                  std::move(cb));
}

EventLoop::TimerId EventLoop::At(Timestamp when, Callback cb) {
  auto usec = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch());
  return AddTimer(CLOCK_REALTIME, static_cast<uint64_t>(std::max<int64_t>(usec.count(), 1)),
                  std::move(cb));
}

void EventLoop::Cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  sd_event_source_unref(it->second->source);
  timers_.erase(it);
}

Status EventLoop::OnSignal(int signo, Callback cb) {
  auto h = std::make_unique<Handler>();
  h->on_signal = std::move(cb);
  auto handler = [](sd_event_source*, const signalfd_siginfo*, void* userdata) {
    static_cast<Handler*>(userdata)->on_signal();
    return 0;
  };
  if (int rc = sd_event_add_signal(event_, &h->source, signo, handler, h.get()); rc < 0) {
    return SdError("watching a signal", rc);
  }
  handlers_.push_back(std::move(h));
  return {};
}

Status EventLoop::WatchFd(int fd, uint32_t events, IoCallback cb, PrepareCallback prepare) {
  auto h = std::make_unique<Handler>();
  h->on_io = std::move(cb);
  h->prepare = std::move(prepare);
  auto handler = [](sd_event_source*, int, uint32_t revents, void* userdata) {
    static_cast<Handler*>(userdata)->on_io(revents);
    return 0;
  };
  if (int rc = sd_event_add_io(event_, &h->source, fd, events, handler, h.get()); rc < 0) {
    return SdError("watching a file descriptor", rc);
  }
  if (h->prepare) {
    sd_event_source_set_prepare(h->source, [](sd_event_source* source, void* userdata) {
      return sd_event_source_set_io_events(source, static_cast<Handler*>(userdata)->prepare());
    });
  }
  handlers_.push_back(std::move(h));
  return {};
}

int EventLoop::Run() { return sd_event_loop(event_); }

void EventLoop::Exit(int code) { sd_event_exit(event_, code); }

}  // namespace nymvisor
