#include "agent/logger.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace nymvisor {
namespace {

TEST(Logger, AddsTheInstanceIdAndTheCallersLocation) {
  testing::RecordingJournal journal;
  Logger log(journal, "mixnode", false);
  log.Event(5, "0123456789abcdef0123456789abcdef", "upgrade queued", {{"NYMVISOR_UPGRADE", "v2"}});
  int line = __LINE__ - 1;
  ASSERT_EQ(journal.entries.size(), 1u);
  const JournalEntry& e = journal.entries[0];
  EXPECT_EQ(e.priority, 5);
  EXPECT_EQ(e.message, "upgrade queued");
  EXPECT_EQ(e.message_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(e.fields[0], (std::pair<std::string, std::string>{"NYMVISOR_ID", "mixnode"}));
  EXPECT_EQ(e.fields[1], (std::pair<std::string, std::string>{"NYMVISOR_UPGRADE", "v2"}));
  EXPECT_NE(journal.locations[0].find("logger_test.cc:" + std::to_string(line)), std::string::npos);
}

TEST(Logger, DisabledLogsSendNothing) {
  testing::RecordingJournal journal;
  Logger log(journal, "mixnode", true);
  log.Info("hello");
  log.Error("boom");
  EXPECT_TRUE(journal.entries.empty());
}

}  // namespace
}  // namespace nymvisor
