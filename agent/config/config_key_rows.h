#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_KEY_ROWS_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_KEY_ROWS_H_

// The parts of the one table of config keys, for config_key_table*.cc only.
// Each part returns its rows in config.toml's order; AllConfigKeys
// (config_key_table.cc) is the one place that joins them, so the table
// stays a single list in a single order.

#include <vector>

#include "agent/config/config_keys.h"

namespace nymvisor::key_rows {

// The key's table and name, and the Config field they name, which cannot
// disagree: NV_FIELD(daemon, home) is "daemon", "home" and &config.daemon.home.
#define NV_FIELD(table, member)       \
  .section = #table, .name = #member, \
  .field = [](Config& c) -> FieldRef { return FieldRef(&c.table.member); }

inline constexpr ChangeClass kReload = ChangeClass::kReload;
inline constexpr ChangeClass kReloadAndNodeStart = ChangeClass::kReloadAndNodeStart;
inline constexpr ChangeClass kAgentRestart = ChangeClass::kAgentRestart;
inline constexpr ChangeClass kAgentRestartAndNodeStart = ChangeClass::kAgentRestartAndNodeStart;

/// The [daemon] table's keys the original has (config_key_table_daemon.cc).
std::vector<ConfigKey> OriginalDaemonKeys();
/// The [daemon] table's keys that are ours, before the gate's
/// (config_key_table_daemon.cc).
std::vector<ConfigKey> OurDaemonKeys();
/// The gate before the stop: busy check, its deadline, pre- and
/// post-upgrade commands (config_key_table_policy.cc).
std::vector<ConfigKey> GateKeys();
/// The node's own API, asked by the health check and for build info
/// (config_key_table_daemon.cc); the last [daemon] rows.
std::vector<ConfigKey> NodeApiKeys();

}  // namespace nymvisor::key_rows

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_KEY_ROWS_H_
