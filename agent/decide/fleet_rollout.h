#ifndef NYMVISOR_AGENT_DECIDE_FLEET_ROLLOUT_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_ROLLOUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

// The fleet's decisions over one read of a group (docs/fleet.md): whether
// this host may stop its node for a version now, must ask for a slot, or
// waits, and why. Pure: the agent reads the group (one etcd range/txn at one
// revision), calls DecideFleet, and performs what it says.

/// A key under slots/: a host that holds or waits for a slot. Leased: it
/// vanishes when its holder stops keeping the lease alive.
struct FleetSlot {
  std::string holder{};         ///< FleetHolderId
  int64_t create_revision = 0;  ///< etcd's; the queue order
  std::string lease{};          ///< etcd lease id, as text (it exceeds 2^53)
  std::string version{};        ///< the version it upgrades to
  Timestamp since{};            ///< when it asked
  bool canary = false;
  bool operator==(const FleetSlot&) const = default;
};

/// A key under progress/: written without a lease just before the holder
/// stops its node, deleted with the slot when it gives the slot back. A
/// mark without its slot key means the lease expired mid-upgrade.
struct FleetProgress {
  std::string holder{};
  std::string version{};
  Timestamp since{};
  bool operator==(const FleetProgress&) const = default;
};

/// Why a version, or the group, is halted.
enum class FleetHaltCause {
  kRollback,      ///< a host rolled the version back: only that version
  kLeaseExpired,  ///< a holder vanished mid-upgrade: every version
  kOperator,      ///< written by hand: only that version
};

/// A key under halt/<version>, or one implied by an orphan progress mark.
struct FleetHalt {
  std::string version{};
  FleetHaltCause cause = FleetHaltCause::kRollback;
  std::string reason{};  ///< for people: "health check failed: ..."
  std::string holder{};  ///< who caused it
  Timestamp time{};
  bool operator==(const FleetHalt&) const = default;
};

/// A key under done/<version>/<holder>: that host committed the version.
struct FleetDone {
  std::string version{};
  std::string holder{};
  bool canary = false;
  Timestamp committed{};
  bool operator==(const FleetDone&) const = default;
};

/// What one read of a group at one revision gives. Plain value.
struct FleetView {
  int64_t revision = 0;
  std::vector<FleetSlot> slots{};
  std::vector<FleetProgress> progress{};
  std::vector<FleetHalt> halts{};
  std::vector<FleetDone> done{};
  std::vector<std::string> canaries{};  ///< holders registered under canary/
  bool operator==(const FleetView&) const = default;
};

/// This host and what it wants. max_unavailable and soak come from the
/// config at each call, never from etcd, so a changed config counts at once.
struct FleetSelf {
  std::string holder{};
  bool canary = false;
  std::string lease{};  ///< the lease this process keeps alive; empty: none
  uint64_t max_unavailable = 1;
  Duration soak{};
  std::string target_version{};
  Timestamp now{};
};

/// What the agent does next for the target version.
enum class FleetAction {
  kProceed,          ///< holds a slot (or resumes its own upgrade): may stop the node
  kTakeSlot,         ///< ask for a slot: create slots/<holder> with a lease
  kWaitForSlot,      ///< queued behind `holders`
  kWaitForCanaries,  ///< `missing` canaries have not committed the version
  kWaitForSoak,      ///< canaries committed; wait until `until`
  kHalted,           ///< `halt` blocks the version
  kAlreadyHolding,   ///< its key is there from before a restart: adopt `slot.lease`
};

/// The decision, with what the action needs. Plain value.
struct FleetDecision {
  FleetAction action = FleetAction::kWaitForSlot;
  std::optional<FleetSlot> slot{};     ///< kProceed (unset when resuming), kAlreadyHolding
  std::vector<std::string> holders{};  ///< kWaitForSlot: the holders ranked first
  std::vector<std::string> missing{};  ///< kWaitForCanaries
  Timestamp until{};                   ///< kWaitForSoak
  std::optional<FleetHalt> halt{};     ///< kHalted; kProceed when resuming under its own
  bool write_halt = false;             ///< kHalted: the halt is implied; write halt/<version>
  bool write_progress = false;         ///< kProceed: write progress/<holder> before the stop
  /// Delete this host's slot key (and nothing else) before waiting: a
  /// queued key must not take a slot while the host may not upgrade, and a
  /// key for another version is stale.
  bool withdraw = false;
  bool operator==(const FleetDecision&) const = default;
};

/// The holders that hold a slot now: the first `max_unavailable` slot keys
/// by create revision (ties, which one txn alone can make, by holder).
std::vector<FleetSlot> RankedSlots(const FleetView& view, uint64_t max_unavailable);

/// The halts a read shows: the halt keys, plus one kLeaseExpired halt for
/// each progress mark whose holder has no slot key (unless a halt key for
/// that version exists already). Implied ones have `time` = the mark's since.
std::vector<FleetHalt> EffectiveHalts(const FleetView& view);

/// The halt that blocks `version`: its own (any cause), or any
/// kLeaseExpired halt. nullopt: not halted.
std::optional<FleetHalt> HaltBlocking(const FleetView& view, const std::string& version);

/// The decision for `self` over `view` (docs/fleet.md, "Decisions"). Call
/// only when no upgrade to another version is in progress locally.
FleetDecision DecideFleet(const FleetView& view, const FleetSelf& self);

/// A one-line account for status, STATUS= and logs: "waits for a fleet slot
/// (held by a@..., b@...)".
std::string DescribeFleetDecision(const FleetDecision& decision);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_ROLLOUT_H_
