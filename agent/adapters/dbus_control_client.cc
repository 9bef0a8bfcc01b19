#include "agent/adapters/dbus_control_client.h"

#include <sdbus-c++/sdbus-c++.h>

#include <nlohmann/json.hpp>

#include "agent/base/bus_name.h"
#include "dbus/nymvisor1_proxy.h"

namespace nymvisor {
namespace {

constexpr char kErrorPrefix[] = "net.nymtech.Nymvisor1.Error.";

Status FromDbusError(const sdbus::Error& e) {
  const std::string& name = e.getName();
  if (name == "org.freedesktop.DBus.Error.AccessDenied" ||
      name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") {
    return Status::Denied(e.getMessage());
  }
  if (name.rfind(kErrorPrefix, 0) == 0 && name != std::string(kErrorPrefix) + "Failed") {
    return Status::Refused(name.substr(sizeof kErrorPrefix - 1), e.getMessage());
  }
  if (name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
      name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
    return Status::NotFound("the agent is not running: " + e.getMessage());
  }
  return Status::Error(e.getMessage().empty() ? name : e.getMessage());
}

}  // namespace

Status NoSystemBus(const Status& cause, const std::string& instance_id) {
  return Status::Unavailable("cannot reach the system bus to ask the agent of '" + instance_id +
                             "' (" + cause.message() +
                             "): is dbus running ('systemctl status dbus')? Run nymvisor on the "
                             "host where nymvisor@" +
                             instance_id +
                             " runs, not in a container or chroot without its "
                             "/run/dbus");
}

namespace {

/// Runs a proxy call, turning its exception into a Status.
template <typename F>
auto Call(F&& f) -> Result<decltype(f())> {
  try {
    return f();
  } catch (const sdbus::Error& e) {
    return FromDbusError(e);
  }
}

template <typename F>
Status CallVoid(F&& f) {
  try {
    f();
    return {};
  } catch (const sdbus::Error& e) {
    return FromDbusError(e);
  }
}

}  // namespace

/// The generated proxy, with the signals the client follows.
class DbusControlClient::Proxy
    : public sdbus::ProxyInterfaces<net::nymtech::Nymvisor1_proxy, sdbus::Properties_proxy> {
 public:
  Proxy(BusConnection& bus, const std::string& name)
      : ProxyInterfaces(bus.connection(), name, kControlObjectPath) {
    registerProxy();
  }
  ~Proxy() { unregisterProxy(); }

  bool changed = false;
  std::optional<FinishedEvent> finished;

 private:
  void onUpgradeStarted(const std::string&, const std::string&, const std::string&) override {
    changed = true;
  }
  void onUpgradeFinished(const std::string& upgrade, const std::string& version,
                         const std::string& result, const std::string& reason) override {
    finished = FinishedEvent{upgrade, version, result, reason};
    changed = true;
  }
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                           const std::vector<std::string>&) override {
    changed = true;
  }
};

DbusControlClient::DbusControlClient(std::unique_ptr<BusConnection> bus, std::string bus_name)
    : bus_(std::move(bus)), bus_name_(std::move(bus_name)) {}

DbusControlClient::~DbusControlClient() = default;

Result<std::unique_ptr<ControlClient>> DbusControlClient::Connect(const std::string& instance_id) {
  NV_ASSIGN_OR_RETURN(std::string name, ControlBusName(instance_id));
  Result<std::unique_ptr<BusConnection>> connected = BusConnection::ConnectSystem(nullptr);
  if (!connected.ok()) return NoSystemBus(connected.status(), instance_id);
  std::unique_ptr<BusConnection> bus = std::move(*connected);
  bool owned = false;
  try {
    auto dbus =
        sdbus::createProxy(bus->connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    dbus->callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(name)
        .storeResultsTo(owned);
  } catch (const sdbus::Error& e) {
    return FromDbusError(e);
  }
  if (!owned) {
    return Status::NotFound("no agent runs for instance '" + instance_id + "' (nobody owns " +
                            name + "; is nymvisor@" + instance_id + ".service running?)");
  }
  std::unique_ptr<DbusControlClient> client(new DbusControlClient(std::move(bus), name));
  try {
    client->proxy_ = std::make_unique<Proxy>(*client->bus_, name);
  } catch (const sdbus::Error& e) {
    return FromDbusError(e);
  }
  return std::unique_ptr<ControlClient>(std::move(client));
}

Result<StatusSnapshot> DbusControlClient::GetStatus() {
  NV_ASSIGN_OR_RETURN(std::string text, Call([this] { return proxy_->GetStatus(); }));
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  return StatusSnapshotFromJson(j);
}

Status DbusControlClient::CheckNow() {
  return CallVoid([this] { proxy_->CheckNow(); });
}

Result<std::string> DbusControlClient::ApplyNow() {
  return Call([this] { return proxy_->ApplyNow(); });
}

Status DbusControlClient::Hold(const std::string& reason) {
  return CallVoid([&] { proxy_->Hold(reason); });
}

Status DbusControlClient::Resume() {
  return CallVoid([this] { proxy_->Resume(); });
}

Status DbusControlClient::Skip(const std::string& upgrade) {
  return CallVoid([&] { proxy_->Skip(upgrade); });
}

Result<std::string> DbusControlClient::Rollback(const std::string& to) {
  return Call([this, &to] { return proxy_->Rollback(to); });
}

Status DbusControlClient::ReleaseNode(bool start) {
  return CallVoid([this, start] { proxy_->ReleaseNode(start); });
}

Status DbusControlClient::Reload() {
  return CallVoid([this] { proxy_->Reload(); });
}

Status DbusControlClient::Follow(Duration timeout, const FollowStep& step) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  NV_ASSIGN_OR_RETURN(StatusSnapshot status, GetStatus());
  if (step(status, proxy_->finished)) return {};
  while (std::chrono::steady_clock::now() < deadline) {
    bus_->Poll(std::chrono::milliseconds(500));
    if (!proxy_->changed) continue;
    proxy_->changed = false;
    NV_ASSIGN_OR_RETURN(status, GetStatus());
    if (step(status, proxy_->finished)) return {};
  }
  return Status::Unavailable("gave up waiting after " + FormatDuration(timeout));
}

}  // namespace nymvisor
