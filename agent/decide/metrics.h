#ifndef NYMVISOR_AGENT_DECIDE_METRICS_H_
#define NYMVISOR_AGENT_DECIDE_METRICS_H_

#include <cstdint>
#include <string>

#include "agent/decide/status_snapshot.h"
#include "agent/records/upgrade_history.h"

namespace nymvisor {

/// How many upgrades ended each way, counted from the history (which only
/// grows, so these are Prometheus counters).
struct UpgradeCounts {
  uint64_t applied = 0;      ///< completed
  uint64_t failed = 0;       ///< refused or abandoned before the switch
  uint64_t rolled_back = 0;  ///< rolled back by the health gate, or reverted by an operator
  uint64_t skipped = 0;      ///< skipped by an operator
  bool operator==(const UpgradeCounts&) const = default;
};

UpgradeCounts CountUpgrades(const UpgradeHistory& history);

/// The agent's metrics in the Prometheus text exposition format, for
/// node_exporter's textfile collector: every series is prefixed nymvisor_,
/// labelled with the instance, and has HELP and TYPE lines.
/// `poll_interval` (upstream_polling_rate) is written as
/// nymvisor_poll_interval_seconds, so an alert can tell a stalled agent by
/// its last check; zero leaves it out. Pure.
std::string FormatMetrics(const StatusSnapshot& status, const UpgradeCounts& counts,
                          Duration poll_interval = Duration::zero());

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_METRICS_H_
