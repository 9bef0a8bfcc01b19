#include "agent/records/node_down.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

TEST(NodeDownRecord, RoundTripsAndNamesBadKeys) {
  NodeDownRecord r{*ParseTimestamp("2026-12-01T10:00:00Z"),
                   "v1.2.0",
                   "1.1.0",
                   "1.2.0",
                   "no usable backup is left",
                   "/b/v1.2.0/2026"};
  EXPECT_EQ(*ParseNodeDownRecord(DumpJsonPretty(NodeDownRecordToJson(r))), r);
  Json j = NodeDownRecordToJson(r);
  j.erase("reason");
  Status st = NodeDownRecordFromJson(j).status();
  EXPECT_NE(st.message().find("node-left-down"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("reason"), std::string::npos) << st.message();
  EXPECT_FALSE(ParseNodeDownRecord("[]").ok());
  EXPECT_FALSE(ParseNodeDownRecord("{").ok());
}

TEST(NodeDownRecord, DescriptionSaysWhatHappenedAndWhatToDo) {
  NodeDownRecord r{*ParseTimestamp("2026-12-01T10:00:00Z"),
                   "v1.2.0",
                   "1.1.0",
                   "1.2.0",
                   "no usable backup is left",
                   ""};
  std::string text = DescribeNodeDown(r);
  for (const char* part : {"v1.2.0", "1.1.0 -> 1.2.0", "no usable backup", "release-node"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << ": " << text;
  }
  EXPECT_EQ(text.find("(backup"), std::string::npos) << text;
}

}  // namespace
}  // namespace nymvisor
