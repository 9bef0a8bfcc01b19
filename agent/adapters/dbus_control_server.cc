#include "agent/adapters/dbus_control_server.h"

#include <pwd.h>
#include <sdbus-c++/sdbus-c++.h>

#include <nlohmann/json.hpp>

#include "agent/base/bus_name.h"
#include "dbus/nymvisor1_adaptor.h"

namespace nymvisor {
namespace {

constexpr char kErrorPrefix[] = "net.nymtech.Nymvisor1.Error.";

uint64_t Usec(const std::optional<Timestamp>& t) {
  if (!t) return 0;
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

/// Throws the D-Bus error for a failed Status (sdbus-c++ sends it as the reply).
void ThrowIfError(const Status& st) {
  if (st.ok()) return;
  if (st.IsDenied()) throw sdbus::Error("org.freedesktop.DBus.Error.AccessDenied", st.message());
  std::string reason = st.IsRefused() ? st.reason() : "Failed";
  throw sdbus::Error(kErrorPrefix + reason, st.message());
}

std::string UserName(uint32_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) != 0 || found == nullptr) return "";
  return found->pw_name;
}

/// The properties, each read from a snapshot, in the interface's order.
struct Property {
  const char* name;
  bool (*same)(const StatusSnapshot& a, const StatusSnapshot& b);
};

// The fleet's properties; empty (false) without a fleet.
std::string FleetGroupOf(const StatusSnapshot& s) { return s.fleet ? s.fleet->group : ""; }
std::string FleetWaitingForOf(const StatusSnapshot& s) {
  return s.fleet ? s.fleet->waiting_for : "";
}
std::string FleetHaltOf(const StatusSnapshot& s) {
  return s.fleet && s.fleet->halt ? s.fleet->halt->version : "";
}
bool FleetHeldOf(const StatusSnapshot& s) { return s.fleet && FleetSlotHeld(*s.fleet); }

#define NV_SAME(field) \
  [](const StatusSnapshot& a, const StatusSnapshot& b) { return a.field == b.field; }
constexpr Property kProperties[] = {
    {"State", NV_SAME(state)},
    {"CurrentVersion", NV_SAME(current_version)},
    {"CurrentUpgrade", NV_SAME(current_upgrade)},
    {"NextUpgrade", NV_SAME(next_upgrade)},
    {"NextUpgradeVersion", NV_SAME(next_upgrade_version)},
    {"NextUpgradeTime", NV_SAME(next_upgrade_time)},
    {"LastCheckTime", NV_SAME(last_check_time)},
    {"LastCheckResult", NV_SAME(last_check_result)},
    {"LastError", NV_SAME(last_error)},
    {"Held", NV_SAME(held)},
    {"Progress", NV_SAME(progress)},
    {"LastUpgradeResult", NV_SAME(last_upgrade_result)},
    {"LastDowntimeUsec", NV_SAME(last_downtime_usec)},
    {"StatusText",
     [](const StatusSnapshot& a, const StatusSnapshot& b) {
       return FormatStatusLine(a) == FormatStatusLine(b);
     }},
    {"WaitingFor", NV_SAME(waiting_for)},
    {"NewestRelease", NV_SAME(newest_release)},
    {"VersionsBehind", NV_SAME(versions_behind)},
    {"ConfigScore", NV_SAME(config_score)},
    {"FleetGroup", [](const StatusSnapshot& a,
                      const StatusSnapshot& b) { return FleetGroupOf(a) == FleetGroupOf(b); }},
    {"FleetWaitingFor",
     [](const StatusSnapshot& a, const StatusSnapshot& b) {
       return FleetWaitingForOf(a) == FleetWaitingForOf(b);
     }},
    {"FleetHalt", [](const StatusSnapshot& a,
                     const StatusSnapshot& b) { return FleetHaltOf(a) == FleetHaltOf(b); }},
    {"FleetSlotHeld", [](const StatusSnapshot& a,
                         const StatusSnapshot& b) { return FleetHeldOf(a) == FleetHeldOf(b); }},
};
#undef NV_SAME

}  // namespace

/// The exported object: the generated adaptor plus org.freedesktop.DBus.Properties.
class DbusControlServer::Object
    : public sdbus::AdaptorInterfaces<net::nymtech::Nymvisor1_adaptor, sdbus::Properties_adaptor> {
 public:
  Object(BusConnection& bus, ControlApi& api)
      : AdaptorInterfaces(bus.connection(), kControlObjectPath),
        bus_(bus),
        api_(api),
        status_(api.GetStatus()) {
    registerAdaptor();
  }
  ~Object() { unregisterAdaptor(); }

  /// Emits PropertiesChanged for what differs from the last snapshot.
  void Update(const StatusSnapshot& status) {
    std::vector<std::string> changed;
    for (const Property& p : kProperties) {
      if (!p.same(status_, status)) changed.push_back(p.name);
    }
    status_ = status;
    if (changed.empty()) return;
    try {
      emitPropertiesChangedSignal(kControlInterface, changed);
    } catch (const sdbus::Error&) {  // a full bus queue must not stop the agent
    }
  }

 private:
  /// Who sent the message being handled, as the bus itself reports it.
  Caller CurrentCaller() {
    Caller caller;
    const sdbus::Message* msg = getObject().getCurrentlyProcessedMessage();
    caller.bus_name = msg->getSender();
    std::map<std::string, sdbus::Variant> creds;
    auto dbus =
        sdbus::createProxy(bus_.connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    dbus->callMethod("GetConnectionCredentials")
        .onInterface("org.freedesktop.DBus")
        .withArguments(caller.bus_name)
        .storeResultsTo(creds);
    if (!creds.count("UnixUserID")) {
      throw sdbus::Error("org.freedesktop.DBus.Error.AccessDenied",
                         "the bus did not say who " + caller.bus_name + " is");
    }
    caller.uid = creds.at("UnixUserID").get<uint32_t>();
    if (creds.count("ProcessID")) caller.pid = creds.at("ProcessID").get<uint32_t>();
    caller.user = UserName(caller.uid);
    return caller;
  }

  template <typename T>
  T ValueOrThrow(Result<T> result) {
    ThrowIfError(result.status());
    return std::move(result).value();
  }

  std::string GetStatus() override {
    status_ = api_.GetStatus();
    return DumpJsonCompact(StatusSnapshotToJson(status_));
  }
  void CheckNow() override { ThrowIfError(api_.CheckNow(CurrentCaller())); }
  std::string ApplyNow() override { return ValueOrThrow(api_.ApplyNow(CurrentCaller())); }
  void Hold(const std::string& reason) override {
    ThrowIfError(api_.Hold(CurrentCaller(), reason));
  }
  void Resume() override { ThrowIfError(api_.Resume(CurrentCaller())); }
  void Skip(const std::string& upgrade) override {
    ThrowIfError(api_.Skip(CurrentCaller(), upgrade));
  }
  std::string Rollback(const std::string& target) override {
    return ValueOrThrow(api_.Rollback(CurrentCaller(), target));
  }
  void Reload() override { ThrowIfError(api_.Reload(CurrentCaller())); }
  void ReleaseNode(const bool& start) override {
    ThrowIfError(api_.ReleaseNode(CurrentCaller(), start));
  }

  std::string State() override { return std::string(AgentStateName(status_.state)); }
  std::string InstanceId() override { return status_.instance_id; }
  std::string NodeUnit() override { return status_.node_unit; }
  std::string CurrentVersion() override { return status_.current_version; }
  std::string CurrentUpgrade() override { return status_.current_upgrade; }
  std::string NextUpgrade() override { return status_.next_upgrade; }
  std::string NextUpgradeVersion() override { return status_.next_upgrade_version; }
  uint64_t NextUpgradeTime() override { return Usec(status_.next_upgrade_time); }
  uint64_t LastCheckTime() override { return Usec(status_.last_check_time); }
  std::string LastCheckResult() override { return status_.last_check_result; }
  std::string LastError() override { return status_.last_error; }
  bool Held() override { return status_.held; }
  uint32_t Progress() override { return status_.progress.value_or(0); }
  std::string LastUpgradeResult() override { return status_.last_upgrade_result; }
  uint64_t LastDowntimeUsec() override { return status_.last_downtime_usec; }
  std::string StatusText() override { return FormatStatusLine(status_); }
  std::string WaitingFor() override { return status_.waiting_for; }
  std::string NewestRelease() override { return status_.newest_release; }
  uint64_t VersionsBehind() override { return status_.versions_behind.value_or(0); }
  double ConfigScore() override { return status_.config_score.value_or(1.0); }
  std::string FleetGroup() override { return FleetGroupOf(status_); }
  std::string FleetWaitingFor() override { return FleetWaitingForOf(status_); }
  std::string FleetHalt() override { return FleetHaltOf(status_); }
  bool FleetSlotHeld() override { return FleetHeldOf(status_); }

  BusConnection& bus_;
  ControlApi& api_;
  StatusSnapshot status_;
};

DbusControlServer::DbusControlServer(BusConnection& bus, std::string instance_id)
    : bus_(bus), instance_id_(std::move(instance_id)) {}

DbusControlServer::~DbusControlServer() {
  if (object_ && !bus_name_.empty()) {
    try {
      bus_.connection().releaseName(bus_name_);
    } catch (const sdbus::Error&) {
    }
  }
}

Status DbusControlServer::Serve(ControlApi& api) {
  NV_ASSIGN_OR_RETURN(bus_name_, ControlBusName(instance_id_));
  try {
    object_ = std::make_unique<Object>(bus_, api);
    bus_.connection().requestName(bus_name_);
  } catch (const sdbus::Error& e) {
    object_.reset();
    return Status::Error("cannot own the bus name " + bus_name_ + " (" + e.getName() + ": " +
                         e.getMessage() +
                         "); another agent for this instance may be running, or the bus "
                         "policy does not let this account own it");
  }
  return {};
}

void DbusControlServer::Publish(const StatusSnapshot& status) {
  if (object_) object_->Update(status);
}

void DbusControlServer::UpgradeStarted(const std::string& upgrade, const std::string& from,
                                       const std::string& to) {
  if (!object_) return;
  try {
    object_->emitUpgradeStarted(upgrade, from, to);
  } catch (const sdbus::Error&) {
  }
}

void DbusControlServer::UpgradeFinished(const std::string& upgrade, const std::string& version,
                                        const std::string& result, const std::string& reason) {
  if (!object_) return;
  try {
    object_->emitUpgradeFinished(upgrade, version, result, reason);
  } catch (const sdbus::Error&) {
  }
}

}  // namespace nymvisor
