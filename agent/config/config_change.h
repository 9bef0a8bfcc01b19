#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_CHANGE_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_CHANGE_H_

#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/config/config_keys.h"

namespace nymvisor {

/// What changed between two configs, by who takes it up: each key's row
/// says (ConfigKey::change); a key may be in both `reloadable` and
/// `node_start`. Plain value.
struct ConfigChange {
  std::vector<std::string> reloadable;     ///< a reload of the agent applies these
  std::vector<std::string> agent_restart;  ///< only a restart of the agent applies these
  std::vector<std::string> node_start;     ///< the node sees these at its next start
  bool empty() const { return reloadable.empty() && agent_restart.empty() && node_start.empty(); }
};

ConfigChange DiffConfigs(const Config& before, const Config& after);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_CHANGE_H_
