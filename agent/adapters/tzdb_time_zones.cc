#include "agent/adapters/tzdb_time_zones.h"

#include <date/tz.h>

#include <stdexcept>
#include <string>

namespace nymvisor {
namespace {

/// The zone's rules; exceptions from the library become an error naming it.
Result<const date::time_zone*> FindZone(std::string_view zone) {
  try {
    if (zone == "localtime") return date::current_zone();
    return date::locate_zone(std::string(zone));
  } catch (const std::exception& e) {
    return Status::Error("unknown time zone '" + std::string(zone) + "': " + e.what() +
                         " (use an IANA name such as Europe/Berlin)");
  }
}

}  // namespace

Result<ZoneOffsets> TzdbTimeZones::Offsets(std::string_view zone, Timestamp from, Timestamp to) {
  if (zone == "UTC") return ZoneOffsets{{from, to + std::chrono::seconds(1), {}}};
  NV_ASSIGN_OR_RETURN(const date::time_zone* tz, FindZone(zone));
  ZoneOffsets out;
  auto at = std::chrono::floor<std::chrono::seconds>(from);
  try {
    while (out.empty() || out.back().end <= to) {
      date::sys_info info = tz->get_info(at);
      Timestamp begin = out.empty() ? from : Timestamp(info.begin);
      out.push_back({begin, Timestamp(info.end), info.offset});
      if (info.end <= at) break;  // the last rule: no end
      at = info.end;
    }
  } catch (const std::exception& e) {
    return Status::Error("time zone '" + std::string(zone) + "': " + e.what());
  }
  return out;
}

}  // namespace nymvisor
