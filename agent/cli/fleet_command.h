#ifndef NYMVISOR_AGENT_CLI_FLEET_COMMAND_H_
#define NYMVISOR_AGENT_CLI_FLEET_COMMAND_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/cli/fleet_report.h"
#include "agent/decide/fleet_keys.h"
#include "agent/ports/etcd.h"

namespace nymvisor {

// `nymvisor fleet status|clear-halt|halt` over the Etcd port, without
// CLI11 (cli/fleet_cli binds the flags): tests drive them with FakeEtcd.
// Errors of etcd calls are returned as they come (the caller explains
// them, ExplainFleetError); the commands' own refusals say what to do.
// Main thread only; the calls block until etcd answers.

/// One group of one instance, reached through `etcd`.
struct FleetTarget {
  Etcd& etcd;
  FleetKeys keys;
  std::string instance_id{};
  std::string group{};
  std::string holder{};  ///< this host's; "" when /etc/machine-id is unreadable
  uint64_t max_unavailable = 1;
};

/// One read of the whole group at one revision, with each key's mod
/// revision: the guards of what clear-halt deletes.
struct FleetRead {
  FleetView view{};
  std::map<std::string, int64_t> mod_revisions{};
};
Result<FleetRead> ReadFleet(Etcd& etcd, const FleetKeys& keys);

/// The report `fleet status` prints, from one read.
Result<FleetReport> ReadFleetReport(const FleetTarget& target);

/// What clear-halt was asked for: one version, all, or (neither) the only
/// halt there is.
struct ClearHaltRequest {
  std::string version{};
  bool all = false;
};

/// Clears halts, one transaction per version (ClearHaltWrites: the halt
/// key and the version's orphan progress marks), each guarded by the mod
/// revisions of the keys it deletes, so a change since the read fails it
/// and is reported instead of undone. Prints a line per version cleared.
/// Without a version: no halt prints so and succeeds; several are refused
/// (Usage), naming them and the flags. A version that is not halted while
/// others are is refused too (a mistyped version).
Status ClearFleetHalts(const FleetTarget& target, const ClearHaltRequest& request,
                       std::ostream& out);

/// Writes an operator halt (cause operator) of `version`, guarded on the
/// halt key being absent; when it exists, the error says who halted it.
Status HaltFleetVersion(const FleetTarget& target, const std::string& version,
                        const std::string& reason, Timestamp now, std::ostream& out);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_FLEET_COMMAND_H_
