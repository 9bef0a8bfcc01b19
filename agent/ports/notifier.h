#ifndef NYMVISOR_AGENT_PORTS_NOTIFIER_H_
#define NYMVISOR_AGENT_PORTS_NOTIFIER_H_

#include <string>

namespace nymvisor {

/// The service manager's notification socket (sd_notify): readiness, a
/// one-line status for `systemctl status`, stopping. Main thread only.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Ready(const std::string& status) = 0;
  virtual void Status(const std::string& status) = 0;
  virtual void Stopping(const std::string& status) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_NOTIFIER_H_
