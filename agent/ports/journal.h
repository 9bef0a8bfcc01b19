#ifndef NYMVISOR_AGENT_PORTS_JOURNAL_H_
#define NYMVISOR_AGENT_PORTS_JOURNAL_H_

#include <source_location>
#include <string>
#include <utility>
#include <vector>

#include "agent/base/log_priority.h"

namespace nymvisor {

/// One structured journal entry. `fields` are extra KEY=value pairs (upper-case
/// keys without a leading '_'); MESSAGE, PRIORITY and MESSAGE_ID are separate.
struct JournalEntry {
  LogPriority priority = LogPriority::kInfo;
  std::string message;
  std::string message_id;  ///< 32 lower-case hex digits, or empty
  std::vector<std::pair<std::string, std::string>> fields;
};

/// Where the agent's log entries go. The real sink is journald; tests record.
/// Implementations are safe to call from any thread.
class Journal {
 public:
  virtual ~Journal() = default;
  /// `where` is the caller's source location (CODE_FILE, CODE_LINE, CODE_FUNC).
  virtual void Send(const JournalEntry& entry, const std::source_location& where) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_JOURNAL_H_
