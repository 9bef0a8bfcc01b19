#ifndef NYMVISOR_AGENT_ADAPTERS_SYSTEMD_JOURNAL_H_
#define NYMVISOR_AGENT_ADAPTERS_SYSTEMD_JOURNAL_H_

#include "agent/ports/journal.h"

namespace nymvisor {

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

#endif  // NYMVISOR_AGENT_ADAPTERS_SYSTEMD_JOURNAL_H_
