#ifndef NYMVISOR_AGENT_ADAPTERS_BUS_CONNECTION_H_
#define NYMVISOR_AGENT_ADAPTERS_BUS_CONNECTION_H_

#include <memory>

#include "agent/adapters/event_loop.h"
#include "agent/base/duration.h"
#include "agent/base/status.h"

namespace sdbus {
class IConnection;
}  // namespace sdbus

namespace nymvisor {

/// The process's one connection to the system bus (sdbus-c++ 1.2.0), shared
/// by every proxy and object of the agent: the systemd manager client now,
/// the control API's server later. It is driven by the agent's EventLoop, not
/// by a thread of its own: before each wait the queue is drained, so signals
/// that arrived during a synchronous call are never left sitting (sd-bus
/// reads them into its queue without waking the loop). Main thread only.
class BusConnection {
 public:
  /// Connects to the system bus. With `loop`, incoming messages are
  /// dispatched from it; without, only synchronous calls work (the CLI).
  static Result<std::unique_ptr<BusConnection>> ConnectSystem(EventLoop* loop);
  ~BusConnection();
  BusConnection(const BusConnection&) = delete;
  BusConnection& operator=(const BusConnection&) = delete;

  sdbus::IConnection& connection() { return *connection_; }
  /// Dispatches every message queued now. A handler's failure is contained.
  void Drain();
  /// Without an EventLoop (the CLI): waits at most `max` for a message, then
  /// dispatches what arrived.
  void Poll(Duration max);

 private:
  explicit BusConnection(std::unique_ptr<sdbus::IConnection> connection);
  Status Attach(EventLoop* loop);

  std::unique_ptr<sdbus::IConnection> connection_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_BUS_CONNECTION_H_
