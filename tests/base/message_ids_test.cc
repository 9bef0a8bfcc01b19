// Every MESSAGE_ID the agent logs has a catalog entry, and every catalog entry
// belongs to a MESSAGE_ID, so `journalctl -x` explains all of them.
#include "agent/base/message_ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/support/values.h"

namespace nymvisor {
namespace {

std::set<std::string> CatalogIds() {
  std::string text =
      testing::ReadFileOrDie(std::filesystem::path(SOURCE_DIR) / "units/nymvisor.catalog");
  std::set<std::string> ids;
  std::regex entry("(^|\n)-- ([0-9a-f]{32})\n");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
       it != std::sregex_iterator(); ++it) {
    ids.insert((*it)[2]);
  }
  return ids;
}

TEST(MessageIds, EveryIdHasACatalogEntryAndViceVersa) {
  std::set<std::string> code;
  for (std::string_view id : message_ids::kAll) {
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_TRUE(code.insert(std::string(id)).second) << "duplicate " << id;
  }
  EXPECT_EQ(CatalogIds(), code);
}

TEST(MessageIds, CatalogEntriesHaveSubjectAndDefinedBy) {
  std::string text =
      testing::ReadFileOrDie(std::filesystem::path(SOURCE_DIR) / "units/nymvisor.catalog");
  for (std::string_view id : message_ids::kAll) {
    size_t at = text.find("-- " + std::string(id) + "\n");
    ASSERT_NE(at, std::string::npos) << id;
    size_t next = text.find("\n-- ", at + 1);
    std::string entry = text.substr(at, next - at);
    EXPECT_NE(entry.find("\nSubject: "), std::string::npos) << id;
    EXPECT_NE(entry.find("\nDefined-By: nymvisor\n"), std::string::npos) << id;
    EXPECT_NE(entry.find("\n\n"), std::string::npos) << id << " has no explanation";
  }
}

}  // namespace
}  // namespace nymvisor
