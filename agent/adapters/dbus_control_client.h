#ifndef NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_CLIENT_H_
#define NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_CLIENT_H_

#include <memory>
#include <string>

#include "agent/adapters/bus_connection.h"
#include "agent/ports/control_client.h"

namespace nymvisor {

/// What an operator's command says when the system bus cannot be reached
/// at all (`cause`: the connection's error): what failed, and to check
/// dbus and run on the host where the agent runs.
/// Unavailable, so the CLI does not take it for "no agent runs".
Status NoSystemBus(const Status& cause, const std::string& instance_id);

/// ControlClient over the system bus with the proxy that sdbus-c++-xml2cpp
/// generates from dbus/net.nymtech.Nymvisor1.xml. A D-Bus error becomes
/// Denied (AccessDenied), Refused (net.nymtech.Nymvisor1.Error.<reason>) or
/// Error. Single-threaded: Follow drives the connection itself.
class DbusControlClient : public ControlClient {
 public:
  /// Connects to the system bus for the agent of `instance_id`; NotFound
  /// when no agent owns its bus name, NoSystemBus when there is no bus.
  static Result<std::unique_ptr<ControlClient>> Connect(const std::string& instance_id);
  ~DbusControlClient() override;

  Result<StatusSnapshot> GetStatus() override;
  Status CheckNow() override;
  Result<std::string> ApplyNow() override;
  Status Hold(const std::string& reason) override;
  Status Resume() override;
  Status ReleaseNode(bool start) override;
  Status Skip(const std::string& upgrade) override;
  Result<std::string> Rollback(const std::string& to) override;
  Status Reload() override;
  Status Follow(Duration timeout, const FollowStep& step) override;

 private:
  class Proxy;
  DbusControlClient(std::unique_ptr<BusConnection> bus, std::string bus_name);

  std::unique_ptr<BusConnection> bus_;
  std::string bus_name_;
  std::unique_ptr<Proxy> proxy_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_DBUS_CONTROL_CLIENT_H_
