#include "agent/decide/fleet_status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/decide/metrics.h"
#include "agent/decide/status_snapshot.h"

namespace nymvisor {
namespace {

FleetStatus Waiting() {
  return FleetStatus{.group = "g",
                     .holder = "mixnode@0123",
                     .phase = "asked",
                     .waiting_for = "fleet-halt",
                     .detail = "fleet halted for 1.2.0",
                     .halt = FleetHalt{.version = "1.2.0",
                                       .cause = FleetHaltCause::kRollback,
                                       .reason = "health check failed",
                                       .holder = "mixnode@4567",
                                       .time = Timestamp{} + std::chrono::hours(1)},
                     .canary = true,
                     .max_unavailable = 2};
}

TEST(FleetStatus, RoundTripsThroughJson) {
  Json j = FleetStatusToJson(Waiting());
  EXPECT_EQ(j["waitingFor"], "fleet-halt");
  EXPECT_EQ(j["halt"]["cause"], "rollback");
  Result<FleetStatus> back = FleetStatusFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, Waiting());
  FleetStatus idle{.group = "g", .holder = "h"};
  EXPECT_TRUE(FleetStatusToJson(idle)["halt"].is_null());
  EXPECT_EQ(*FleetStatusFromJson(FleetStatusToJson(idle)), idle);
}

TEST(FleetStatus, TheSnapshotCarriesItOnlyWithAFleet) {
  StatusSnapshot s;
  s.current_version = "1.1.0";
  EXPECT_FALSE(StatusSnapshotToJson(s).contains("fleet")) << "no fleet, no key";
  EXPECT_EQ(FormatMetrics(s, {}).find("nymvisor_fleet"), std::string::npos);
  s.fleet = Waiting();
  Json j = StatusSnapshotToJson(s);
  ASSERT_TRUE(j.contains("fleet"));
  EXPECT_EQ(StatusSnapshotFromJson(j)->fleet, s.fleet);
  std::string metrics = FormatMetrics(s, {});
  EXPECT_NE(metrics.find("nymvisor_fleet_halted{instance=\"\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("nymvisor_fleet_slot_held{instance=\"\"} 0"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("nymvisor_fleet_waiting{instance=\"\",reason=\"fleet-halt\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("nymvisor_fleet_waiting{instance=\"\",reason=\"slot\"} 0"),
            std::string::npos)
      << metrics;
  s.fleet->waiting_for = "";
  EXPECT_EQ(
      FormatMetrics(s, {}).find("nymvisor_fleet_waiting{instance=\"\",reason=\"fleet-halt\"} 1"),
      std::string::npos)
      << "not waiting: every reason 0";
}

TEST(FleetStatus, SaysWhyItWaits) {
  EXPECT_EQ(FleetStatusText(Waiting()), "fleet g: fleet halted for 1.2.0");
  EXPECT_EQ(FleetStatusText(FleetStatus{.group = "g"}), "");
  EXPECT_TRUE(FleetSlotHeld(FleetStatus{.phase = "in-progress"}));
  EXPECT_FALSE(FleetSlotHeld(FleetStatus{.phase = "asked"}));
}

}  // namespace
}  // namespace nymvisor
