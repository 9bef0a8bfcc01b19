#ifndef NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_SERVER_H_
#define NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_SERVER_H_

#include <memory>
#include <string>

#include "agent/adapters/bus_connection.h"
#include "agent/ports/control_api.h"
#include "agent/ports/control_publisher.h"

namespace nymvisor {

/// The control API on the system bus: the object /net/nymtech/Nymvisor1 with
/// the interface of dbus/net.nymtech.Nymvisor1.xml (the adaptor is generated
/// by sdbus-c++-xml2cpp at build time), under the bus name of the instance.
/// Method calls become ControlApi calls with the caller's credentials (from
/// the bus's GetConnectionCredentials); a Status error becomes a D-Bus error
/// (AccessDenied, net.nymtech.Nymvisor1.Error.<reason>, ...Error.Failed).
/// Publish emits PropertiesChanged for the properties that differ. Main
/// thread only (the BusConnection is drained by the agent's loop).
class DbusControlServer : public ControlPublisher {
 public:
  /// Nothing is exported until Serve.
  DbusControlServer(BusConnection& bus, std::string instance_id);
  ~DbusControlServer() override;

  /// Exports the object with `api` behind it, then owns the instance's bus
  /// name. An error (the bus policy, or another agent already owns the name)
  /// names the bus name and leaves nothing exported.
  Status Serve(ControlApi& api);
  const std::string& bus_name() const { return bus_name_; }

  void Publish(const StatusSnapshot& status) override;
  void UpgradeStarted(const std::string& upgrade, const std::string& from,
                      const std::string& to) override;
  void UpgradeFinished(const std::string& upgrade, const std::string& version,
                       const std::string& result, const std::string& reason) override;

 private:
  class Object;

  BusConnection& bus_;
  std::string instance_id_;
  std::string bus_name_;
  std::unique_ptr<Object> object_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_SERVER_H_
