#include "agent/config/time_zone_names.h"

#include <date/tz.h>

#include <exception>
#include <string>

namespace nymvisor {

bool KnownTimeZone(std::string_view zone) {
  if (zone == "UTC" || zone == "localtime") return true;
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string_view::npos) {
    return false;
  }
  try {
    return date::locate_zone(std::string(zone)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace nymvisor
