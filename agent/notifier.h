#ifndef NYMVISOR_AGENT_NOTIFIER_H_
#define NYMVISOR_AGENT_NOTIFIER_H_

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

/// sd_notify; a no-op when not started by systemd ($NOTIFY_SOCKET unset).
class SystemdNotifier : public Notifier {
 public:
  void Ready(const std::string& status) override;
  void Status(const std::string& status) override;
  void Stopping(const std::string& status) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_NOTIFIER_H_
