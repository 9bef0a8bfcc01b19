#ifndef NYMVISOR_AGENT_BASE_LOG_PRIORITY_H_
#define NYMVISOR_AGENT_BASE_LOG_PRIORITY_H_

namespace nymvisor {

/// syslog priorities, as journald's PRIORITY= field and `journalctl -p` read them.
enum class LogPriority : int {
  kCritical = 2,  ///< the node may be down and needs an operator
  kError = 3,
  kWarning = 4,
  kNotice = 5,  ///< a normal but significant event: an upgrade started, succeeded
  kInfo = 6,
  kDebug = 7,
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_LOG_PRIORITY_H_
