#include "agent/shell/logger.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

TEST(Logger, AddsTheInstanceIdAndTheCallersLocation) {
  testing::RecordingJournal journal;
  Logger log(journal, "mixnode", false);
  int line = __LINE__ + 1;
  log.Event(LogPriority::kNotice, "0123456789abcdef0123456789abcdef", "upgrade queued",
            {{"NYMVISOR_UPGRADE", "v2"}});
  ASSERT_EQ(journal.entries.size(), 1u);
  const JournalEntry& e = journal.entries[0];
  EXPECT_EQ(e.priority, LogPriority::kNotice);
  EXPECT_EQ(e.message, "upgrade queued");
  EXPECT_EQ(e.message_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(e.fields[0], (std::pair<std::string, std::string>{"NYMVISOR_ID", "mixnode"}));
  EXPECT_EQ(e.fields[1], (std::pair<std::string, std::string>{"NYMVISOR_UPGRADE", "v2"}));
  EXPECT_NE(journal.locations[0].find("logger_test.cc:" + std::to_string(line)), std::string::npos);
}

TEST(Logger, RedactsTheCredentialsOfEveryUrl) {
  testing::RecordingJournal journal;
  Logger log(journal, "mixnode", false);
  log.Event(LogPriority::kWarning, "0123456789abcdef0123456789abcdef",
            "GET http://user:password@127.0.0.1/nym-node failed",
            {{"NYMVISOR_URL", "https://tok@h/x"}});
  log.Error("staging v2: https://a:b@h/bin");
  ASSERT_EQ(journal.entries.size(), 2u);
  EXPECT_EQ(journal.entries[0].message, "GET http://user:***@127.0.0.1/nym-node failed");
  EXPECT_EQ(journal.entries[0].fields[1].second, "https://***@h/x");
  EXPECT_EQ(journal.entries[1].message, "staging v2: https://a:***@h/bin");
}

TEST(Logger, DisabledLogsSendNothing) {
  testing::RecordingJournal journal;
  Logger log(journal, "mixnode", true);
  log.Info("hello");
  log.Error("boom");
  EXPECT_TRUE(journal.entries.empty());
}

TEST(UpgradeEventFields, NameTheUpgradeAndBothVersions) {
  UpgradeInfo v2;
  v2.name = "v2";
  v2.version = "1.2.0";
  using Fields = Logger::Fields;
  EXPECT_EQ(UpgradeEventFields(v2, "1.1.0"), (Fields{{"NYMVISOR_UPGRADE", "v2"},
                                                     {"NYMVISOR_VERSION_FROM", "1.1.0"},
                                                     {"NYMVISOR_VERSION_TO", "1.2.0"}}));
  EXPECT_EQ(UpgradeEventFields(v2),
            (Fields{{"NYMVISOR_UPGRADE", "v2"}, {"NYMVISOR_VERSION_TO", "1.2.0"}}))
      << "no FROM field when the running version is not known";
}

}  // namespace
}  // namespace nymvisor
