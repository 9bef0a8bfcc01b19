#ifndef NYMVISOR_AGENT_DECIDE_FLEET_WRITES_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_WRITES_H_

#include <string>
#include <vector>

#include "agent/base/timestamp.h"
#include "agent/decide/fleet_keys.h"
#include "agent/decide/fleet_rollout.h"

namespace nymvisor {

// What the agent writes to a group, as plain lists; each list is ONE etcd
// transaction (its guards are stated per function), so that no read ever
// sees a slot deleted while its progress mark stays (which would read as a
// lease expiry and halt the group).

/// One operation of a transaction's success branch.
struct FleetWrite {
  enum class Op {
    kPutWithLease,  ///< put, attached to the agent's lease
    kPut,           ///< put without a lease: survives the agent
    kDelete,
  };
  Op op = Op::kPut;
  std::string key{};
  std::string value{};  ///< for the puts
  bool operator==(const FleetWrite&) const = default;
};

/// Who writes and for what.
struct FleetWriter {
  std::string holder{};
  std::string version{};
  bool canary = false;
  Timestamp now{};
};

/// TakeSlot: create slots/<holder>. Guards: the key does not exist
/// (create_revision 0) and halt/<version> does not.
std::vector<FleetWrite> TakeSlotWrites(const FleetKeys& keys, const FleetWriter& w);

/// Proceed with write_progress: write progress/<holder> just before the
/// stop. Guard: slots/<holder> exists with the agent's lease, so a holder
/// whose lease just expired does not start.
std::vector<FleetWrite> ProgressWrites(const FleetKeys& keys, const FleetWriter& w);

/// After the health gate passed and the commit was recorded: done mark,
/// then the slot and the progress mark go, and the holder's own
/// lease-expiry halt of this version (if `view` shows one) is cleared.
std::vector<FleetWrite> CommitWrites(const FleetKeys& keys, const FleetWriter& w,
                                     const FleetView& view);

/// After a rollback: the version's halt (cause rollback, with `reason`),
/// and the slot and progress mark go. No guard: a rollback always halts.
std::vector<FleetWrite> RollbackWrites(const FleetKeys& keys, const FleetWriter& w,
                                       const std::string& reason);

/// What `decision.write_halt` asks for: the implied halt, written as a key.
/// Guard: halt/<version> does not exist (the first writer's account stays).
std::vector<FleetWrite> ImpliedHaltWrites(const FleetKeys& keys, const FleetHalt& halt);

/// `nymvisor fleet clear-halt VERSION`: the halt key, and every orphan
/// progress mark of that version (else the halt would be implied again).
/// Marks whose holder still holds its slot stay.
std::vector<FleetWrite> ClearHaltWrites(const FleetKeys& keys, const FleetView& view,
                                        const std::string& version);

/// A canary registers (canary/<holder>, no lease: a canary that is down
/// still holds the others back); a host that is no longer one deregisters.
/// Empty when the view already agrees.
std::vector<FleetWrite> CanaryRegistrationWrites(const FleetKeys& keys, const FleetView& view,
                                                 const FleetWriter& w);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_WRITES_H_
