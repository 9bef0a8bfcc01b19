#include "agent/adapters/dbus_systemd_manager.h"

#include <sdbus-c++/sdbus-c++.h>

#include <cstdio>

namespace nymvisor {
namespace {

constexpr char kService[] = "org.freedesktop.systemd1";
constexpr char kManagerPath[] = "/org/freedesktop/systemd1";
constexpr char kManager[] = "org.freedesktop.systemd1.Manager";
constexpr char kUnit[] = "org.freedesktop.systemd1.Unit";
constexpr char kServiceIface[] = "org.freedesktop.systemd1.Service";
constexpr char kProperties[] = "org.freedesktop.DBus.Properties";

using PropertyMap = std::map<std::string, sdbus::Variant>;

Status DbusError(std::string_view what, const sdbus::Error& e) {
  return Status::Error(std::string(what) + ": " + e.getName() + ": " + e.getMessage());
}

/// Copies one property into `out` if present and of type T.
template <typename T>
void Take(const PropertyMap& props, const char* key, T* out) {
  auto it = props.find(key);
  if (it == props.end()) return;
  try {
    *out = it->second.get<T>();
  } catch (const sdbus::Error&) {  // wrong type: keep the previous value
  }
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

/// Merges Unit or Service interface properties into `state`.
void Merge(const std::string& iface, const PropertyMap& props, UnitState* state) {
  if (iface == kUnit) {
    Take(props, "LoadState", &state->load_state);
    if (props.count("ActiveState")) {
      std::string active;
      Take(props, "ActiveState", &active);
      state->active_state = ParseActiveState(active);
    }
    Take(props, "SubState", &state->sub_state);
    Take(props, "ActiveEnterTimestamp", &state->active_enter_usec);
    Take(props, "ActiveExitTimestamp", &state->active_exit_usec);
    Take(props, "InactiveEnterTimestamp", &state->inactive_enter_usec);
    Take(props, "InactiveExitTimestamp", &state->inactive_exit_usec);
    std::vector<uint8_t> invocation;
    if (props.count("InvocationID")) {
      Take(props, "InvocationID", &invocation);
      state->invocation_id = Hex(invocation);
    }
    if (props.count("Job")) {
      sdbus::Struct<uint32_t, sdbus::ObjectPath> job;
      Take(props, "Job", &job);
      state->job_pending = std::get<0>(job) != 0;
    }
  } else if (iface == kServiceIface) {
    Take(props, "Result", &state->result);
    Take(props, "Type", &state->type);
    Take(props, "NRestarts", &state->n_restarts);
    Take(props, "MainPID", &state->main_pid);
    Take(props, "ExecMainStatus", &state->exec_main_status);
  }
}

}  // namespace

/// A unit whose PropertiesChanged signals are followed, with its merged state.
struct DbusSystemdManager::WatchedUnit {
  std::unique_ptr<sdbus::IProxy> proxy;
  UnitState state;
};

DbusSystemdManager::DbusSystemdManager(BusConnection& bus, std::unique_ptr<sdbus::IProxy> manager)
    : bus_(bus), manager_(std::move(manager)) {}

DbusSystemdManager::~DbusSystemdManager() = default;

Result<std::unique_ptr<DbusSystemdManager>> DbusSystemdManager::Connect(BusConnection& bus) {
  std::unique_ptr<DbusSystemdManager> manager;
  try {
    auto proxy = sdbus::createProxy(bus.connection(), kService, kManagerPath);
    manager.reset(new DbusSystemdManager(bus, std::move(proxy)));
    DbusSystemdManager* self = manager.get();
    manager->manager_->uponSignal("JobNew").onInterface(kManager).call(
        [self](uint32_t, const sdbus::ObjectPath& job, const std::string& unit) {
          if (self->events_.job_new) self->events_.job_new(job, unit);
        });
    manager->manager_->uponSignal("JobRemoved")
        .onInterface(kManager)
        .call([self](uint32_t, const sdbus::ObjectPath& job, const std::string& unit,
                     const std::string& result) {
          if (self->events_.job_removed) self->events_.job_removed(job, unit, result);
        });
    manager->manager_->finishRegistration();
  } catch (const sdbus::Error& e) {
    return DbusError("connecting to systemd over the system bus", e);
  }
  return manager;
}

Status DbusSystemdManager::Subscribe() {
  try {
    manager_->callMethod("Subscribe").onInterface(kManager);
  } catch (const sdbus::Error& e) {
    return DbusError("Subscribe", e);
  }
  return {};
}

Status DbusSystemdManager::Reload() {
  try {
    manager_->callMethod("Reload").onInterface(kManager);
  } catch (const sdbus::Error& e) {
    return DbusError("Reload (daemon-reload)", e);
  }
  return {};
}

Result<std::string> DbusSystemdManager::QueueJob(const char* method, const std::string& unit) {
  sdbus::ObjectPath job;
  try {
    manager_->callMethod(method)
        .onInterface(kManager)
        .withArguments(unit, std::string("replace"))
        .storeResultsTo(job);
  } catch (const sdbus::Error& e) {
    return DbusError(std::string(method) + " " + unit, e);
  }
  return std::string(job);
}

Result<std::string> DbusSystemdManager::StartUnit(const std::string& unit) {
  return QueueJob("StartUnit", unit);
}

Result<std::string> DbusSystemdManager::StopUnit(const std::string& unit) {
  return QueueJob("StopUnit", unit);
}

Status DbusSystemdManager::ResetFailedUnit(const std::string& unit) {
  try {
    manager_->callMethod("ResetFailedUnit").onInterface(kManager).withArguments(unit);
  } catch (const sdbus::Error& e) {
    return DbusError("ResetFailedUnit " + unit, e);
  }
  return {};
}

Result<std::string> DbusSystemdManager::UnitPath(const std::string& unit) {
  sdbus::ObjectPath path;
  try {
    manager_->callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
  } catch (const sdbus::Error& e) {
    return DbusError("LoadUnit " + unit, e);
  }
  return std::string(path);
}

Status DbusSystemdManager::WatchUnit(const std::string& unit) {
  if (watched_.count(unit)) return {};
  NV_ASSIGN_OR_RETURN(std::string path, UnitPath(unit));
  auto watched = std::make_unique<WatchedUnit>();
  WatchedUnit* raw = watched.get();
  try {
    watched->proxy = sdbus::createProxy(bus_.connection(), kService, path);
    watched->proxy->uponSignal("PropertiesChanged")
        .onInterface(kProperties)
        .call([this, unit, raw](const std::string& iface, const PropertyMap& changed,
                                const std::vector<std::string>&) {
          Merge(iface, changed, &raw->state);
          if (events_.unit_changed) events_.unit_changed(unit, raw->state);
        });
    watched->proxy->finishRegistration();
    watched->proxy->callMethod("Ref").onInterface(kUnit);
  } catch (const sdbus::Error& e) {
    return DbusError("watching " + unit, e);
  }
  watched_[unit] = std::move(watched);
  return GetUnitState(unit).status();
}

Result<UnitState> DbusSystemdManager::GetUnitState(const std::string& unit) {
  NV_ASSIGN_OR_RETURN(std::string path, UnitPath(unit));
  UnitState state;
  try {
    auto proxy = sdbus::createProxy(bus_.connection(), kService, path);
    for (const char* iface : {kUnit, kServiceIface}) {
      PropertyMap props;
      proxy->callMethod("GetAll")
          .onInterface(kProperties)
          .withArguments(std::string(iface))
          .storeResultsTo(props);
      Merge(iface, props, &state);
    }
  } catch (const sdbus::Error& e) {
    return DbusError("reading the state of " + unit, e);
  }
  if (auto it = watched_.find(unit); it != watched_.end()) it->second->state = state;
  return state;
}

}  // namespace nymvisor
