#include "agent/logger.h"

namespace nymvisor {

void Logger::Log(int priority, std::string_view message, std::string_view message_id, Fields fields,
                 const std::source_location& where) {
  if (disabled_) return;
  JournalEntry entry;
  entry.priority = priority;
  entry.message = std::string(message);
  entry.message_id = std::string(message_id);
  entry.fields = std::move(fields);
  entry.fields.insert(entry.fields.begin(), {"NYMVISOR_ID", instance_id_});
  journal_.Send(entry, where);
}

}  // namespace nymvisor
