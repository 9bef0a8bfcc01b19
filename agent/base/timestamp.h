#ifndef NYMVISOR_AGENT_BASE_TIMESTAMP_H_
#define NYMVISOR_AGENT_BASE_TIMESTAMP_H_

#include <chrono>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// A point in UTC wall-clock time with nanosecond precision, as the JSON files carry.
using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

/// Parses RFC 3339 ("2024-11-19T09:00:00Z", "...T10:00:00.5+01:00"); any offset is
/// accepted and converted to UTC.
Result<Timestamp> ParseTimestamp(std::string_view text);

/// Formats in UTC with a "Z" suffix; fractional seconds only when non-zero, with
/// trailing zeros trimmed (as the original's writer does).
std::string FormatTimestamp(Timestamp t);

/// Formats as "YYYY-MM-DD-HHMMSSmmm" in UTC, the stamp in backup names.
std::string FormatBackupStamp(Timestamp t);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_TIMESTAMP_H_
