#ifndef NYMVISOR_AGENT_PORTS_SYSTEMD_MANAGER_H_
#define NYMVISOR_AGENT_PORTS_SYSTEMD_MANAGER_H_

#include <functional>
#include <string>

#include "agent/base/status.h"
#include "agent/decide/unit_state.h"

namespace nymvisor {

/// The part of systemd's manager API (org.freedesktop.systemd1) the agent
/// uses. Calls are synchronous; their effects arrive later as events: a job's
/// end (JobRemoved, keyed by the job path the call returned) and changes of a
/// watched unit. Main thread only; events are delivered on it too.
class SystemdManager {
 public:
  struct Events {
    /// JobNew: any job, the agent's or another client's (an operator's
    /// `systemctl stop`), is queued. It arrives before the unit changes.
    std::function<void(const std::string& job, const std::string& unit)> job_new;
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

#endif  // NYMVISOR_AGENT_PORTS_SYSTEMD_MANAGER_H_
