#ifndef NYMVISOR_AGENT_BASE_DURATION_H_
#define NYMVISOR_AGENT_BASE_DURATION_H_

#include <chrono>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

using Duration = std::chrono::nanoseconds;

/// Parses a duration in the "humantime" notation the original writes and reads:
/// one or more <integer><unit> items, optionally separated by spaces, e.g.
/// "1h30m", "1h 30m", "90s", "2days". A unit is required.
Result<Duration> ParseDuration(std::string_view text);

/// Formats like humantime does ("0s", "2m", "1h 30m", "1day 2h", "250ms"),
/// so config files round-trip with the original.
std::string FormatDuration(Duration d);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_DURATION_H_
