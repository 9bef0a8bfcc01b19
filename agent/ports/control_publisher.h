#ifndef NYMVISOR_AGENT_PORTS_CONTROL_PUBLISHER_H_
#define NYMVISOR_AGENT_PORTS_CONTROL_PUBLISHER_H_

#include <string>

#include "agent/decide/status_snapshot.h"

namespace nymvisor {

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

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_CONTROL_PUBLISHER_H_
