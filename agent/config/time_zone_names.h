#ifndef NYMVISOR_AGENT_CONFIG_TIME_ZONE_NAMES_H_
#define NYMVISOR_AGENT_CONFIG_TIME_ZONE_NAMES_H_

#include <string_view>

namespace nymvisor {

/// Whether `zone` is "UTC", "localtime" or a zone the system's tzdata
/// knows, so that a misspelt upgrade_time_zone is refused where the config
/// is loaded (init, run, reload, `config`), naming the key. Reads the tzdb
/// once per process.
bool KnownTimeZone(std::string_view zone);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_TIME_ZONE_NAMES_H_
