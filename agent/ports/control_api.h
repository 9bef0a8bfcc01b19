#ifndef NYMVISOR_AGENT_PORTS_CONTROL_API_H_
#define NYMVISOR_AGENT_PORTS_CONTROL_API_H_

#include <string>

#include "agent/base/status.h"
#include "agent/decide/status_snapshot.h"
#include "agent/ports/caller.h"

namespace nymvisor {

/// The control API as the agent offers it; the D-Bus adapter calls it for
/// every method. Errors are Status values: Denied (the caller may not), Refused
/// with a reason name (NoStagedUpgrade, UpgradeInProgress, NoBackup, ...), or
/// Error. Main thread only.
class ControlApi {
 public:
  virtual ~ControlApi() = default;
  virtual StatusSnapshot GetStatus() = 0;
  virtual Status CheckNow(const Caller& caller) = 0;
  /// Returns the name of the upgrade it started.
  virtual Result<std::string> ApplyNow(const Caller& caller) = 0;
  virtual Status Hold(const Caller& caller, const std::string& reason) = 0;
  virtual Status Resume(const Caller& caller) = 0;
  virtual Status Skip(const Caller& caller, const std::string& upgrade) = 0;
  /// Goes back to `to` (an upgrade name or "genesis"; "" is the version
  /// before the running one). Returns the version it goes back to.
  virtual Result<std::string> Rollback(const Caller& caller, const std::string& to) = 0;
  virtual Status Reload(const Caller& caller) = 0;
  /// Clears the node-left-down record; starts the node when `start`.
  virtual Status ReleaseNode(const Caller& caller, bool start) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_CONTROL_API_H_
