#ifndef NYMVISOR_AGENT_LOGGER_H_
#define NYMVISOR_AGENT_LOGGER_H_

#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/journal.h"

namespace nymvisor {

/// The agent's log: adds NYMVISOR_ID to every entry, stamps the caller's source
/// location, and drops everything when nymvisor.disable_logs is set. Thread-safe
/// as far as its Journal is.
class Logger {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;

  Logger(Journal& journal, std::string instance_id, bool disabled)
      : journal_(journal), instance_id_(std::move(instance_id)), disabled_(disabled) {}

  void Info(std::string_view message,
            const std::source_location& where = std::source_location::current()) {
    Log(6, message, "", {}, where);
  }
  void Warning(std::string_view message,
               const std::source_location& where = std::source_location::current()) {
    Log(4, message, "", {}, where);
  }
  void Error(std::string_view message,
             const std::source_location& where = std::source_location::current()) {
    Log(3, message, "", {}, where);
  }
  /// An event an operator cares about, with its catalogued MESSAGE_ID.
  void Event(int priority, std::string_view message_id, std::string_view message, Fields fields,
             const std::source_location& where = std::source_location::current()) {
    Log(priority, message, message_id, std::move(fields), where);
  }

 private:
  void Log(int priority, std::string_view message, std::string_view message_id, Fields fields,
           const std::source_location& where);

  Journal& journal_;
  std::string instance_id_;
  bool disabled_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_LOGGER_H_
