#ifndef NYMVISOR_AGENT_SYSTEMD_MANAGER_H_
#define NYMVISOR_AGENT_SYSTEMD_MANAGER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "agent/status.h"

namespace nymvisor {

/// The properties of a unit the agent decides on. Timestamps are CLOCK_REALTIME
/// microseconds, 0 when unset. Plain value.
struct UnitState {
  std::string load_state;     ///< loaded, not-found, masked, ...
  std::string active_state;   ///< active, activating, deactivating, inactive, failed, ...
  std::string sub_state;      ///< running, auto-restart, dead, failed, ...
  std::string result;         ///< Service.Result: success, exit-code, signal, ...
  std::string type;           ///< Service.Type: simple, exec, notify, ...
  std::string invocation_id;  ///< lower-case hex, empty before the first start
  uint32_t n_restarts = 0;
  uint32_t main_pid = 0;
  bool job_pending = false;  ///< a start/stop/restart job is queued for the unit
  uint64_t active_enter_usec = 0;
  uint64_t active_exit_usec = 0;
  uint64_t inactive_enter_usec = 0;
  uint64_t inactive_exit_usec = 0;
  bool operator==(const UnitState&) const = default;
};

/// The part of systemd's manager API (org.freedesktop.systemd1) the agent
/// uses. Calls are synchronous; their effects arrive later as events: a job's
/// end (JobRemoved, keyed by the job path the call returned) and changes of a
/// watched unit. Main thread only; events are delivered on it too.
class SystemdManager {
 public:
  struct Events {
    std::function<void(const std::string& job, const std::string& unit, const std::string& result)>
        job_removed;
    std::function<void(const std::string& unit, const UnitState& state)> unit_changed;
  };

  virtual ~SystemdManager() = default;
  /// Where events go; set before Subscribe().
  virtual void SetEvents(Events events) = 0;
  /// Asks systemd to send signals (required, or they may never arrive).
  virtual Status Subscribe() = 0;
  /// daemon-reload: re-runs generators and re-reads unit files.
  virtual Status Reload() = 0;
  /// Queues a start/stop job ("replace" mode); returns the job's object path.
  virtual Result<std::string> StartUnit(const std::string& unit) = 0;
  virtual Result<std::string> StopUnit(const std::string& unit) = 0;
  /// Clears a failed state and the start-rate counter.
  virtual Status ResetFailedUnit(const std::string& unit) = 0;
  /// Loads the unit, keeps it loaded (so its timestamps survive a stop) and
  /// reports its property changes through Events::unit_changed.
  virtual Status WatchUnit(const std::string& unit) = 0;
  /// The latest known state of a unit (fresh from systemd).
  virtual Result<UnitState> GetUnitState(const std::string& unit) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SYSTEMD_MANAGER_H_
