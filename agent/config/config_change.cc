#include "agent/config/config_change.h"

namespace nymvisor {

ConfigChange DiffConfigs(const Config& before, const Config& after) {
  ConfigChange change;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (ValueAsText(key, before) == ValueAsText(key, after)) continue;
    (key.NeedsAgentRestart() ? change.agent_restart : change.reloadable).push_back(key.FullName());
    if (key.ReadWhenTheNodeStarts()) change.node_start.push_back(key.FullName());
  }
  return change;
}

}  // namespace nymvisor
