#ifndef NYMVISOR_AGENT_PORTS_TIME_ZONES_H_
#define NYMVISOR_AGENT_PORTS_TIME_ZONES_H_

#include <string_view>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/decide/maintenance_window.h"

namespace nymvisor {

/// The system's time zone database, behind an interface so the schedule
/// stays pure (decide/ sees offsets as data) and tests use fixed zones.
/// Main thread only.
class TimeZones {
 public:
  virtual ~TimeZones() = default;
  /// The offsets of `zone` ("UTC", "localtime" or an IANA name such as
  /// "Europe/Berlin") covering [from, to], sorted and contiguous. An
  /// unknown zone is an error naming it.
  virtual Result<ZoneOffsets> Offsets(std::string_view zone, Timestamp from, Timestamp to) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_TIME_ZONES_H_
