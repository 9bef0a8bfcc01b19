#include "agent/config/config_change.h"

#include <algorithm>
#include <string_view>

namespace nymvisor {
namespace {

constexpr std::string_view kRestartKeys[] = {
    "nymvisor.id", "nymvisor.upgrade_data_directory", "daemon.name", "daemon.home", "daemon.unit",
    "daemon.backup_data_directory", "daemon.user",
    // The agent's unit may write only where its drop-in said at its start.
    "nymvisor.metrics_textfile"};

// What RenderNodeDropIn and NodeCommandLine use.
constexpr std::string_view kNodeStartKeys[] = {"daemon.name",
                                               "daemon.home",
                                               "daemon.args",
                                               "daemon.user",
                                               "daemon.unit",
                                               "daemon.restart_on_failure",
                                               "daemon.failure_restart_delay",
                                               "daemon.max_startup_failures",
                                               "daemon.startup_period_duration",
                                               "daemon.shutdown_grace_period"};

template <size_t N>
bool Listed(const std::string_view (&names)[N], const ConfigKey& key) {
  std::string full = key.FullName();
  return std::find(std::begin(names), std::end(names), full) != std::end(names);
}

}  // namespace

bool NeedsAgentRestart(const ConfigKey& key) { return Listed(kRestartKeys, key); }

bool ReadWhenTheNodeStarts(const ConfigKey& key) { return Listed(kNodeStartKeys, key); }

ConfigChange DiffConfigs(const Config& before, const Config& after) {
  ConfigChange change;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (ValueAsText(key, before) == ValueAsText(key, after)) continue;
    (NeedsAgentRestart(key) ? change.agent_restart : change.reloadable).push_back(key.FullName());
    if (ReadWhenTheNodeStarts(key)) change.node_start.push_back(key.FullName());
  }
  return change;
}

}  // namespace nymvisor
