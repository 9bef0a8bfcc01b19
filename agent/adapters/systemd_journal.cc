#define SD_JOURNAL_SUPPRESS_LOCATION  // we pass the caller's location ourselves
#include "agent/adapters/systemd_journal.h"

#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cstdio>

namespace nymvisor {

void SystemdJournal::Send(const JournalEntry& entry, const std::source_location& where) {
  std::vector<std::string> items;
  items.push_back("MESSAGE=" + entry.message);
  items.push_back("PRIORITY=" + std::to_string(static_cast<int>(entry.priority)));
  if (!entry.message_id.empty()) items.push_back("MESSAGE_ID=" + entry.message_id);
  for (const auto& [key, value] : entry.fields) items.push_back(key + "=" + value);
  std::vector<iovec> iov;
  for (std::string& item : items) iov.push_back({item.data(), item.size()});
  std::string file = std::string("CODE_FILE=") + where.file_name();
  std::string line = "CODE_LINE=" + std::to_string(where.line());
  sd_journal_sendv_with_location(file.c_str(), line.c_str(), where.function_name(), iov.data(),
                                 static_cast<int>(iov.size()));
}

void StderrJournal::Send(const JournalEntry& entry, const std::source_location&) {
  std::fprintf(stderr, "<%d>%s\n", static_cast<int>(entry.priority), entry.message.c_str());
}

}  // namespace nymvisor
