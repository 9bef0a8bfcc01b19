#ifndef NYMVISOR_AGENT_PORTS_CONTROL_H_
#define NYMVISOR_AGENT_PORTS_CONTROL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/decide/status_snapshot.h"

namespace nymvisor {

/// Who called a control method, as the bus knows the sender.
struct Caller {
  std::string bus_name;  ///< the sender's unique name (":1.42")
  uint32_t uid = 0;      ///< from the bus's GetConnectionCredentials
  uint32_t pid = 0;
  std::string user;              ///< the account name, or empty when unknown
  bool interactive = false;      ///< the caller allows interactive authorization
  std::string Describe() const;  ///< "uid 1000 (alice)"
};

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
  /// Returns the version it goes back to.
  virtual Result<std::string> Rollback(const Caller& caller) = 0;
  virtual Status Reload(const Caller& caller) = 0;
  /// Clears the node-left-down record; starts the node when `start`.
  virtual Status ReleaseNode(const Caller& caller, bool start) = 0;
};

/// Where the agent announces what it does: property changes and the
/// UpgradeStarted/UpgradeFinished signals. Main thread only.
class ControlPublisher {
 public:
  virtual ~ControlPublisher() = default;
  /// The agent's state changed; the adapter emits what differs.
  virtual void Publish(const StatusSnapshot& status) = 0;
  virtual void UpgradeStarted(const std::string& upgrade, const std::string& from,
                              const std::string& to) = 0;
  virtual void UpgradeFinished(const std::string& upgrade, const std::string& version,
                               const std::string& result, const std::string& reason) = 0;
};

/// Decides whether a caller may take a polkit action. OK, Denied with a
/// message naming the action, or Error when the decision cannot be made
/// (polkitd unreachable: treated as denied by the caller). Main thread only.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Status Authorize(const Caller& caller, const std::string& action,
                           const std::map<std::string, std::string>& details) = 0;
};

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
  virtual Result<std::string> Rollback() = 0;
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

#endif  // NYMVISOR_AGENT_PORTS_CONTROL_H_
