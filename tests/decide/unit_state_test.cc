#include "agent/decide/unit_state.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(ActiveState, ParsesSystemdsNamesAndRoundTrips) {
  for (const char* name : {"active", "reloading", "inactive", "failed", "activating",
                           "deactivating", "maintenance", "refreshing"}) {
    ActiveState state = ParseActiveState(name);
    EXPECT_NE(state, ActiveState::kUnknown) << name;
    EXPECT_EQ(ActiveStateName(state), name);
  }
  EXPECT_EQ(ParseActiveState("exploding"), ActiveState::kUnknown);
  EXPECT_EQ(ParseActiveState(""), ActiveState::kUnknown);
  EXPECT_EQ(ActiveStateName(ActiveState::kUnknown), "unknown");
}

TEST(ActiveState, DownMeansNoProcessLeftAndUpMeansStarted) {
  EXPECT_TRUE(IsDown(ActiveState::kInactive));
  EXPECT_TRUE(IsDown(ActiveState::kFailed));
  for (ActiveState s : {ActiveState::kActive, ActiveState::kReloading, ActiveState::kActivating,
                        ActiveState::kDeactivating, ActiveState::kUnknown}) {
    EXPECT_FALSE(IsDown(s)) << ActiveStateName(s) << ": a process may still run";
  }
  EXPECT_TRUE(IsUp(ActiveState::kActive));
  EXPECT_TRUE(IsUp(ActiveState::kReloading));
  for (ActiveState s : {ActiveState::kActivating, ActiveState::kDeactivating,
                        ActiveState::kInactive, ActiveState::kFailed, ActiveState::kUnknown}) {
    EXPECT_FALSE(IsUp(s)) << ActiveStateName(s);
  }
}

TEST(UnitState, DescribesAndMeasuresDowntime) {
  UnitState u;
  u.active_state = ActiveState::kFailed;
  u.sub_state = "failed";
  EXPECT_EQ(u.Describe(), "failed/failed");
  EXPECT_TRUE(u.IsDown());
  EXPECT_TRUE(u.IsLoaded()) << "an unknown load state is not held against the unit";
  u.load_state = "not-found";
  EXPECT_FALSE(u.IsLoaded());
  EXPECT_EQ(u.LastDowntimeUsec(), 0u) << "never stopped";
  u.active_exit_usec = 1'000'000;
  u.active_enter_usec = 1'040'000;
  EXPECT_EQ(u.LastDowntimeUsec(), 40'000u);
  u.active_enter_usec = 900'000;  // entered before the last exit: still down
  EXPECT_EQ(u.LastDowntimeUsec(), 0u);
}

}  // namespace
}  // namespace nymvisor
