#ifndef NYMVISOR_AGENT_ADAPTERS_SYSTEMD_NOTIFIER_H_
#define NYMVISOR_AGENT_ADAPTERS_SYSTEMD_NOTIFIER_H_

#include "agent/ports/notifier.h"

namespace nymvisor {

/// sd_notify; a no-op when not started by systemd ($NOTIFY_SOCKET unset).
class SystemdNotifier : public Notifier {
 public:
  void Ready(const std::string& status) override;
  void Status(const std::string& status) override;
  void Stopping(const std::string& status) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_SYSTEMD_NOTIFIER_H_
