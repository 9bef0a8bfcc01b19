#ifndef NYMVISOR_AGENT_PORTS_CONTROL_CLIENT_H_
#define NYMVISOR_AGENT_PORTS_CONTROL_CLIENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/decide/status_snapshot.h"

namespace nymvisor {

/// An UpgradeFinished signal, as a client sees it.
struct FinishedEvent {
  std::string upgrade;
  std::string version;
  std::string result;
  std::string reason;
};

/// The control API from the CLI's side (one agent). GetStatus is NotFound
/// when no agent runs for the instance; method errors keep their reason name
/// (Refused) or are Denied. Single-threaded.
class ControlClient {
 public:
  virtual ~ControlClient() = default;
  virtual Result<StatusSnapshot> GetStatus() = 0;
  virtual Status CheckNow() = 0;
  virtual Result<std::string> ApplyNow() = 0;
  virtual Status Hold(const std::string& reason) = 0;
  virtual Status Resume() = 0;
  virtual Status Skip(const std::string& upgrade) = 0;
  /// `to`: an upgrade name or "genesis"; "" is the version before the running one.
  virtual Result<std::string> Rollback(const std::string& to) = 0;
  virtual Status Reload() = 0;
  virtual Status ReleaseNode(bool start) = 0;
  /// Calls `step` with every new status (and the UpgradeFinished signal, once
  /// one arrives) until it returns true; Unavailable after `timeout`.
  using FollowStep =
      std::function<bool(const StatusSnapshot& status, const std::optional<FinishedEvent>& done)>;
  virtual Status Follow(Duration timeout, const FollowStep& step) = 0;
};

/// Opens a ControlClient for an instance id.
using ControlConnector = std::function<Result<std::unique_ptr<ControlClient>>(const std::string&)>;

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_CONTROL_CLIENT_H_
