#include "agent/adapters/bus_connection.h"

#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <sys/epoll.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace nymvisor {

BusConnection::BusConnection(std::unique_ptr<sdbus::IConnection> connection)
    : connection_(std::move(connection)) {}

BusConnection::~BusConnection() = default;

Result<std::unique_ptr<BusConnection>> BusConnection::ConnectSystem(EventLoop* loop) {
  std::unique_ptr<BusConnection> bus;
  try {
    bus.reset(new BusConnection(sdbus::createSystemBusConnection()));
  } catch (const sdbus::Error& e) {
    return Status::Error("connecting to the system bus: " + e.getName() + ": " + e.getMessage());
  }
  if (loop != nullptr) NV_RETURN_IF_ERROR(bus->Attach(loop));
  return bus;
}

void BusConnection::Drain() {
  try {
    while (connection_->processPendingRequest()) {
    }
  } catch (...) {  // a handler's failure must not take the agent down
  }
}

void BusConnection::Poll(Duration max) {
  Drain();
  sdbus::IConnection::PollData data = connection_->getEventLoopPollData();
  int timeout =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(max).count());
  if (int bus_timeout = data.getPollTimeout(); bus_timeout >= 0) {
    timeout = std::min(timeout, bus_timeout);
  }
  pollfd fd{data.fd, data.events, 0};
  ::poll(&fd, 1, std::max(timeout, 0));
  Drain();
}

Status BusConnection::Attach(EventLoop* loop) {
  int fd = connection_->getEventLoopPollData().fd;
  return loop->WatchFd(
      fd, EPOLLIN, [this](uint32_t) { Drain(); },
      [this]() -> uint32_t {
        Drain();  // signals queued during synchronous calls are handled now
        return static_cast<uint32_t>(connection_->getEventLoopPollData().events);
      });
}

}  // namespace nymvisor
