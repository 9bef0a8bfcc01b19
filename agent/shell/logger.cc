#include "agent/shell/logger.h"

#include "agent/base/url_redaction.h"

namespace nymvisor {

void Logger::Log(LogPriority priority, std::string_view message, std::string_view message_id,
                 Fields fields, const std::source_location& where) {
  if (disabled_) return;
  JournalEntry entry;
  entry.priority = priority;
  // Whatever the caller quoted, no URL's credentials reach the journal.
  entry.message = RedactUrlsIn(message);
  entry.message_id = std::string(message_id);
  entry.fields = std::move(fields);
  for (auto& field : entry.fields) field.second = RedactUrlsIn(field.second);
  entry.fields.insert(entry.fields.begin(), {"NYMVISOR_ID", instance_id_});
  journal_.Send(entry, where);
}

Logger::Fields UpgradeEventFields(const UpgradeInfo& target, std::string_view from_version) {
  Logger::Fields fields = {{"NYMVISOR_UPGRADE", target.name}};
  if (!from_version.empty()) fields.push_back({"NYMVISOR_VERSION_FROM", std::string(from_version)});
  fields.push_back({"NYMVISOR_VERSION_TO", target.version});
  return fields;
}

}  // namespace nymvisor
