#ifndef NYMVISOR_AGENT_DECIDE_MAINTENANCE_WINDOW_H_
#define NYMVISOR_AGENT_DECIDE_MAINTENANCE_WINDOW_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// One maintenance window, `[DAYS ]HH:MM-HH:MM` in the instance's time zone.
/// Plain value.
struct WindowSpec {
  uint8_t days = 0x7f;     ///< bit 0 = Monday .. bit 6 = Sunday; the day the window opens
  uint16_t start_min = 0;  ///< minutes after local midnight
  uint16_t end_min = 0;    ///< earlier than start_min: the window ends the next day
  /// The window's length; an end before the start wraps past midnight.
  Duration Length() const;
  bool operator==(const WindowSpec&) const = default;
};

/// Parses `[DAYS ]HH:MM-HH:MM`. DAYS is systemd's weekday syntax: names
/// (`Mon` or `Monday`, any case), ranges `Mon..Fri`, lists `Sat,Sun`;
/// omitted means every day. A start equal to its end is refused. The error
/// quotes what is wrong ("hour 25", "unknown day 'Mno'"). Pure.
Result<WindowSpec> ParseWindowSpec(std::string_view text);

/// One stretch of UTC time during which a zone has one offset from UTC.
struct OffsetSpan {
  Timestamp begin;
  Timestamp end;
  std::chrono::seconds utc_offset{0};  ///< local = UTC + utc_offset
  bool operator==(const OffsetSpan&) const = default;
};

/// A zone's offsets over a stretch of time, sorted and contiguous (from the
/// tzdb, ports/time_zones.h), so windows are computed without a zone
/// library here.
using ZoneOffsets = std::vector<OffsetSpan>;

/// The UTC instant of a local wall-clock time (seconds since the local
/// epoch). A time the zone skips (spring forward) resolves to the first
/// valid instant after it; a repeated time (fall back) to its first
/// occurrence. Pure.
Timestamp ResolveLocal(const ZoneOffsets& zone, std::chrono::seconds local);

/// A half-open stretch of UTC time.
struct TimeInterval {
  Timestamp begin;
  Timestamp end;
  bool operator==(const TimeInterval&) const = default;
};

/// Every opening of `windows` that overlaps [from, to), in UTC, sorted and
/// merged (so a repeated hour runs once). A window whose end falls in a
/// skipped hour keeps its length. `zone` must cover [from - 2 days,
/// to + 2 days]. Pure.
std::vector<TimeInterval> ExpandWindows(std::span<const WindowSpec> windows,
                                        const ZoneOffsets& zone, Timestamp from, Timestamp to);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_MAINTENANCE_WINDOW_H_
