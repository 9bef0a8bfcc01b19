#include "agent/records/fleet_slot.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

FleetSlotRecord Sample(FleetSlotPhase phase) {
  return FleetSlotRecord{.group = "eu",
                         .holder = "mixnode@0123456789abcdef0123456789abcdef",
                         .version = "1.2.0",
                         .lease = "2324035633543304969",
                         .phase = phase,
                         .since = *ParseTimestamp("2026-12-07T19:00:00Z")};
}

TEST(FleetSlotRecord, EveryPhaseRoundTrips) {
  for (FleetSlotPhase phase : {FleetSlotPhase::kAsked, FleetSlotPhase::kHolding,
                               FleetSlotPhase::kInProgress, FleetSlotPhase::kGivingBack}) {
    FleetSlotRecord record = Sample(phase);
    if (phase == FleetSlotPhase::kGivingBack) record.outcome = "rolled-back";
    std::string text = DumpJsonPretty(FleetSlotRecordToJson(record));
    Result<FleetSlotRecord> back = ParseFleetSlotRecord(text);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, record) << text;
  }
}

TEST(FleetSlotRecord, TheLeaseStaysTextBeyondTwoToThe53) {
  std::string text = DumpJsonCompact(FleetSlotRecordToJson(Sample(FleetSlotPhase::kAsked)));
  EXPECT_NE(text.find("\"lease\":\"2324035633543304969\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"phase\":\"asked\""), std::string::npos) << text;
  EXPECT_EQ(text.find("outcome"), std::string::npos) << text;
}

TEST(FleetSlotRecord, ErrorsNameTheRecordAndTheMember) {
  Json good = FleetSlotRecordToJson(Sample(FleetSlotPhase::kHolding));
  Json bad_phase = good;
  bad_phase["phase"] = "held";
  Status st = FleetSlotRecordFromJson(bad_phase).status();
  EXPECT_NE(st.message().find("fleet slot"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("held"), std::string::npos) << st.message();
  for (const char* member : {"group", "holder", "version", "lease", "phase", "since"}) {
    Json missing = good;
    missing.erase(member);
    Status e = FleetSlotRecordFromJson(missing).status();
    EXPECT_FALSE(e.ok()) << member;
    EXPECT_NE(e.message().find(member), std::string::npos) << e.message();
  }
  Json empty_version = good;
  empty_version["version"] = "";
  EXPECT_FALSE(FleetSlotRecordFromJson(empty_version).ok());
  EXPECT_FALSE(ParseFleetSlotRecord("[]").ok());
  EXPECT_FALSE(ParseFleetSlotRecord("{").ok());
}

}  // namespace
}  // namespace nymvisor
