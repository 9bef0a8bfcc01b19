#ifndef NYMVISOR_AGENT_DECIDE_FLEET_VIEW_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_VIEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/timestamp.h"
#include "agent/decide/fleet_keys.h"
#include "agent/decide/fleet_rollout.h"

namespace nymvisor {

// The values stored under a group's keys (JSON, camelCase members, times
// in RFC 3339), and the FleetView one read of the group gives. Reading is
// fail-safe: a key whose value cannot be read still counts where counting
// it holds the rollout back (a slot still takes its rank, a halt still
// halts), and is dropped where counting it would let a host go (a done
// mark, a canary's commit).

/// One key-value of a range over the group's prefix, as etcd returns it
/// (key and value already decoded from base64).
struct FleetKv {
  std::string key{};
  std::string value{};
  int64_t create_revision = 0;
  std::string lease{};  ///< "" or "0": none
};

/// "rollback", "lease-expired" or "operator": the cause as halt keys, the
/// status JSON and `nymvisor fleet` name it.
const char* FleetHaltCauseName(FleetHaltCause cause);
/// The cause `name` names; nullopt for any other text.
std::optional<FleetHaltCause> ParseFleetHaltCause(std::string_view name);

/// `{"version","since","canary"}` under slots/<holder>.
std::string FleetSlotValue(const std::string& version, Timestamp since, bool canary);
/// `{"version","since"}` under progress/<holder>.
std::string FleetProgressValue(const std::string& version, Timestamp since);
/// `{"cause","reason","holder","time"}` under halt/<version>; cause is
/// "rollback", "lease-expired" or "operator".
std::string FleetHaltValue(const FleetHalt& halt);
/// `{"canary","committed"}` under done/<version>/<holder>.
std::string FleetDoneValue(bool canary, Timestamp committed);
/// `{"since"}` under canary/<holder>.
std::string FleetCanaryValue(Timestamp since);

/// The view of one read at `revision` of every key under keys.Prefix().
/// Keys outside the layout are ignored.
FleetView BuildFleetView(const FleetKeys& keys, int64_t revision, const std::vector<FleetKv>& kvs);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_VIEW_H_
