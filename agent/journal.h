#ifndef NYMVISOR_AGENT_JOURNAL_H_
#define NYMVISOR_AGENT_JOURNAL_H_

#include <source_location>
#include <string>
#include <utility>
#include <vector>

namespace nymvisor {

/// One structured journal entry. `fields` are extra KEY=value pairs (upper-case
/// keys without a leading '_'); MESSAGE, PRIORITY and MESSAGE_ID are separate.
struct JournalEntry {
  int priority = 6;  ///< syslog level: 3 err, 4 warning, 5 notice, 6 info, 7 debug
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

/// sd_journal_sendv_with_location: values may hold any bytes, including '%'.
class SystemdJournal : public Journal {
 public:
  void Send(const JournalEntry& entry, const std::source_location& where) override;
};

/// Writes "<level>message" lines to stderr, which journald (or a terminal)
/// reads; used when the CLI logs outside a unit.
class StderrJournal : public Journal {
 public:
  void Send(const JournalEntry& entry, const std::source_location& where) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_JOURNAL_H_
