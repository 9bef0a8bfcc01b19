#ifndef NYMVISOR_AGENT_SYSTEMD_DBUS_H_
#define NYMVISOR_AGENT_SYSTEMD_DBUS_H_

#include <map>
#include <memory>
#include <string>

#include "agent/event_loop.h"
#include "agent/systemd_manager.h"

namespace sdbus {
class IConnection;
class IProxy;
}  // namespace sdbus

namespace nymvisor {

/// SystemdManager over the system bus with sdbus-c++ 1.2.0. This file and its
/// .cc are the only ones that know sdbus-c++; its exceptions become Status
/// here. The connection is driven by the agent's EventLoop (no extra thread):
/// before each wait the queue is drained, so signals that arrived during a
/// synchronous call are never left sitting. Main thread only.
class DbusSystemdManager : public SystemdManager {
 public:
  /// Connects to the system bus. With `loop`, signals are dispatched from it;
  /// without, only synchronous calls work (enough for the CLI).
  static Result<std::unique_ptr<DbusSystemdManager>> Connect(EventLoop* loop);
  ~DbusSystemdManager() override;

  void SetEvents(Events events) override { events_ = std::move(events); }
  Status Subscribe() override;
  Status Reload() override;
  Result<std::string> StartUnit(const std::string& unit) override;
  Result<std::string> StopUnit(const std::string& unit) override;
  Status ResetFailedUnit(const std::string& unit) override;
  Status WatchUnit(const std::string& unit) override;
  Result<UnitState> GetUnitState(const std::string& unit) override;

 private:
  struct WatchedUnit;
  DbusSystemdManager(std::unique_ptr<sdbus::IConnection> connection,
                     std::unique_ptr<sdbus::IProxy> manager);
  Status Attach(EventLoop* loop);
  void Drain();
  Result<std::string> UnitPath(const std::string& unit);
  Result<std::string> QueueJob(const char* method, const std::string& unit);

  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IProxy> manager_;
  std::map<std::string, std::unique_ptr<WatchedUnit>> watched_;
  Events events_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SYSTEMD_DBUS_H_
