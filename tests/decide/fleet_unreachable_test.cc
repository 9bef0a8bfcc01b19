#include "agent/decide/fleet_unreachable.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using Mode = FleetUnreachableMode;
using Action = FleetOfflineAction;

TEST(FleetUnreachable, ParsesTheTwoModes) {
  EXPECT_EQ(*ParseFleetUnreachableMode("wait"), Mode::kWait);
  EXPECT_EQ(*ParseFleetUnreachableMode("proceed"), Mode::kProceed);
  EXPECT_FALSE(ParseFleetUnreachableMode("Wait").ok());
  EXPECT_FALSE(ParseFleetUnreachableMode("").ok());
}

TEST(FleetUnreachable, EveryPhaseModeAndHaltDecidesAsDocumented) {
  // (phase or none) x mode x halted when last seen.
  struct Row {
    std::optional<FleetSlotPhase> phase;
    Mode mode;
    bool halted;
    Action action;
  };
  using P = FleetSlotPhase;
  const std::vector<Row> rows = {
      {std::nullopt, Mode::kWait, false, Action::kWaitForEtcd},
      {std::nullopt, Mode::kWait, true, Action::kWaitForEtcd},
      {std::nullopt, Mode::kProceed, false, Action::kProceedAlone},
      {std::nullopt, Mode::kProceed, true, Action::kWaitForEtcd},
      {P::kAsked, Mode::kWait, false, Action::kWaitForEtcd},
      {P::kAsked, Mode::kWait, true, Action::kWaitForEtcd},
      {P::kAsked, Mode::kProceed, false, Action::kProceedAlone},
      {P::kAsked, Mode::kProceed, true, Action::kWaitForEtcd},
      // Granted but no mark yet: wait mode must not stop the node unseen.
      {P::kHolding, Mode::kWait, false, Action::kWaitForEtcd},
      {P::kHolding, Mode::kWait, true, Action::kWaitForEtcd},
      {P::kHolding, Mode::kProceed, false, Action::kCarryOn},
      {P::kHolding, Mode::kProceed, true, Action::kWaitForEtcd},
      // The node is or may be down: always carry on.
      {P::kInProgress, Mode::kWait, false, Action::kCarryOn},
      {P::kInProgress, Mode::kWait, true, Action::kCarryOn},
      {P::kInProgress, Mode::kProceed, false, Action::kCarryOn},
      {P::kInProgress, Mode::kProceed, true, Action::kCarryOn},
      {P::kGivingBack, Mode::kWait, false, Action::kCarryOn},
      {P::kGivingBack, Mode::kWait, true, Action::kCarryOn},
      {P::kGivingBack, Mode::kProceed, false, Action::kCarryOn},
      {P::kGivingBack, Mode::kProceed, true, Action::kCarryOn},
  };
  for (const Row& row : rows) {
    FleetSlotRecord record{.group = "g", .holder = "h", .version = "1.2.0"};
    if (row.phase) record.phase = *row.phase;
    FleetOfflineFacts facts{.record = row.phase ? &record : nullptr,
                            .halted_when_last_seen = row.halted};
    FleetOfflineDecision d = DecideFleetUnreachable(row.mode, facts);
    std::string what = (row.phase ? std::string(FleetSlotPhaseName(*row.phase)) : "none") +
                       (row.mode == Mode::kWait ? " wait" : " proceed") +
                       (row.halted ? " halted" : "");
    EXPECT_EQ(d.action, row.action) << what << ": " << d.why;
    EXPECT_NE(d.why.find("etcd"), std::string::npos) << what;
  }
}

TEST(FleetUnreachable, WaitModeNeverStartsANewUpgrade) {
  // The guarantee "never two down while etcd is reachable" needs that no
  // host without a written progress mark stops its node in wait mode.
  for (std::optional<FleetSlotPhase> phase :
       {std::optional<FleetSlotPhase>(), std::optional(FleetSlotPhase::kAsked),
        std::optional(FleetSlotPhase::kHolding)}) {
    FleetSlotRecord record{.group = "g", .holder = "h", .version = "v"};
    if (phase) record.phase = *phase;
    FleetOfflineDecision d =
        DecideFleetUnreachable(Mode::kWait, {.record = phase ? &record : nullptr});
    EXPECT_EQ(d.action, Action::kWaitForEtcd);
  }
}

}  // namespace
}  // namespace nymvisor
