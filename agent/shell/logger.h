#ifndef NYMVISOR_AGENT_SHELL_LOGGER_H_
#define NYMVISOR_AGENT_SHELL_LOGGER_H_

#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/ports/journal.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// The agent's log: adds NYMVISOR_ID to every entry, stamps the caller's source
/// location, redacts the credentials of every URL in the message and fields
/// (base/url_redaction.h), and drops everything when nymvisor.disable_logs
/// is set. Thread-safe
/// as far as its Journal is.
class Logger {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;

  Logger(Journal& journal, std::string instance_id, bool disabled)
      : journal_(journal), instance_id_(std::move(instance_id)), disabled_(disabled) {}

  void Info(std::string_view message,
            const std::source_location& where = std::source_location::current()) {
    Log(LogPriority::kInfo, message, "", {}, where);
  }
  void Warning(std::string_view message,
               const std::source_location& where = std::source_location::current()) {
    Log(LogPriority::kWarning, message, "", {}, where);
  }
  void Error(std::string_view message,
             const std::source_location& where = std::source_location::current()) {
    Log(LogPriority::kError, message, "", {}, where);
  }
  /// An event an operator cares about, with its catalogued MESSAGE_ID.
  void Event(LogPriority priority, std::string_view message_id, std::string_view message,
             Fields fields, const std::source_location& where = std::source_location::current()) {
    Log(priority, message, message_id, std::move(fields), where);
  }

 private:
  void Log(LogPriority priority, std::string_view message, std::string_view message_id,
           Fields fields, const std::source_location& where);

  Journal& journal_;
  std::string instance_id_;
  bool disabled_;
};

/// The journal fields of an event about one upgrade: NYMVISOR_UPGRADE,
/// NYMVISOR_VERSION_FROM (when known) and NYMVISOR_VERSION_TO.
Logger::Fields UpgradeEventFields(const UpgradeInfo& target, std::string_view from_version = "");

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_LOGGER_H_
