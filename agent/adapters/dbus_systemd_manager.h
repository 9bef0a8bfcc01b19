#ifndef NYMVISOR_AGENT_ADAPTERS_DBUS_SYSTEMD_MANAGER_H_
#define NYMVISOR_AGENT_ADAPTERS_DBUS_SYSTEMD_MANAGER_H_

#include <map>
#include <memory>
#include <string>

#include "agent/adapters/bus_connection.h"
#include "agent/ports/systemd_manager.h"

namespace sdbus {
class IProxy;
}  // namespace sdbus

namespace nymvisor {

/// SystemdManager over the shared system bus connection with sdbus-c++ 1.2.0;
/// its exceptions become Status here. Signals arrive as the BusConnection is
/// drained by the event loop. Main thread only.
class DbusSystemdManager : public SystemdManager {
 public:
  /// A client of systemd's manager on `bus`, which must outlive it.
  static Result<std::unique_ptr<DbusSystemdManager>> Connect(BusConnection& bus);
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
  DbusSystemdManager(BusConnection& bus, std::unique_ptr<sdbus::IProxy> manager);
  Result<std::string> UnitPath(const std::string& unit);
  Result<std::string> QueueJob(const char* method, const std::string& unit);

  BusConnection& bus_;
  std::unique_ptr<sdbus::IProxy> manager_;
  std::map<std::string, std::unique_ptr<WatchedUnit>> watched_;
  Events events_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_DBUS_SYSTEMD_MANAGER_H_
