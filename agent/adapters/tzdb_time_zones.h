#ifndef NYMVISOR_AGENT_ADAPTERS_TZDB_TIME_ZONES_H_
#define NYMVISOR_AGENT_ADAPTERS_TZDB_TIME_ZONES_H_

#include "agent/ports/time_zones.h"

namespace nymvisor {

/// TimeZones over the system's tzdata (/usr/share/zoneinfo), read by
/// Howard Hinnant's date library (USE_OS_TZDB: it never downloads). The
/// database loads once per process, so a tzdata update takes effect at the
/// agent's next start. Main thread only.
class TzdbTimeZones : public TimeZones {
 public:
  Result<ZoneOffsets> Offsets(std::string_view zone, Timestamp from, Timestamp to) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_TZDB_TIME_ZONES_H_
