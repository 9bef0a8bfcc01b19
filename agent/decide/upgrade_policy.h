#ifndef NYMVISOR_AGENT_DECIDE_UPGRADE_POLICY_H_
#define NYMVISOR_AGENT_DECIDE_UPGRADE_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"
#include "agent/decide/maintenance_window.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// Why a due upgrade is not applied yet (`status`'s `waitingFor`).
enum class WaitingFor { kNone, kWindow, kReleaseAge, kSpread, kBusy, kHook, kHeld };

/// "window", "release-age", "spread", "busy", "hook", "held"; "" for kNone.
std::string_view WaitingForName(WaitingFor reason);

/// A stable 64-bit hash of the machine and the instance: FNV-1a over
/// `machine_id '\0' instance_id`, then splitmix64's finaliser, so nearby ids
/// spread evenly. Never std::hash, which may change between builds. Pure.
uint64_t RolloutHash(std::string_view machine_id, std::string_view instance_id);

/// The instance's offset in [0, spread): `hash` scaled to the spread. Pure.
Duration RolloutOffset(uint64_t hash, Duration spread);

/// When an instance may apply upgrades: its windows (already expanded, in
/// UTC, each shortened by what an upgrade needs: stop, start and health
/// period), the release age and the spread. Plain value.
struct UpgradePolicy {
  bool windowed = false;  ///< false: any time; true: only inside `startable`
  std::vector<TimeInterval> startable{};
  Duration min_release_age{};
  Duration spread{};
  uint64_t rollout_hash = 0;
};

/// How far ahead windows are expanded: a start further away is planned
/// again when the agent wakes a day later.
inline constexpr Duration kPlanHorizon = std::chrono::hours(15 * 24);

/// The times an upgrade may start: `windows` expanded over [from, to) in
/// `zone`, each shortened by `needs` (the stop, the start and the health
/// period), so an upgrade begun inside one ends inside its window. Pure.
std::vector<TimeInterval> StartableTimes(std::span<const WindowSpec> windows,
                                         const ZoneOffsets& zone, Timestamp from, Timestamp to,
                                         Duration needs);

/// When an upgrade will really be applied, and what it waits for now.
struct PlannedStart {
  Timestamp due;                ///< upgradeTime, or the release time plus the age when later
  std::optional<Timestamp> at;  ///< the real start; unset: no window within reach
  WaitingFor waiting_for = WaitingFor::kNone;
};

/// Plans `info`'s start. The release time is its publishDate, else
/// `first_seen`, else its upgradeTime. Without windows, `at` = due + the
/// instance's offset; with windows, `at` lies at the same fraction of the
/// startable time in [due, due + spread), or, when none, of the first
/// startable interval after `due`: the offset never leaves the windows.
/// `waiting_for` is release-age, spread or window while now < at; kNone
/// once now >= at, and before upgradeTime (the plain wait). Pure.
PlannedStart PlanStart(const UpgradeInfo& info, std::optional<Timestamp> first_seen,
                       const UpgradePolicy& policy, Timestamp now);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPGRADE_POLICY_H_
