#include "agent/base/bus_name.h"

#include <cctype>
#include <cstdio>

namespace nymvisor {
namespace {

bool IsAsciiAlnum(unsigned char c) { return c < 0x80 && std::isalnum(c); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EscapeBusNameElement(std::string_view id) {
  std::string out;
  for (size_t i = 0; i < id.size(); ++i) {
    auto c = static_cast<unsigned char>(id[i]);
    bool keep = IsAsciiAlnum(c) && !(i == 0 && std::isdigit(c));
    if (keep) {
      out += static_cast<char>(c);
      continue;
    }
    char hex[4];
    std::snprintf(hex, sizeof hex, "_%02x", c);
    out += hex;
  }
  return out;
}

Result<std::string> UnescapeBusNameElement(std::string_view element) {
  std::string out;
  for (size_t i = 0; i < element.size(); ++i) {
    if (element[i] != '_') {
      out += element[i];
      continue;
    }
    int high = i + 2 < element.size() ? HexValue(element[i + 1]) : -1;
    int low = i + 2 < element.size() ? HexValue(element[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return Status::Error("'" + std::string(element) + "' is not an escaped instance id");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

Result<std::string> ControlBusName(std::string_view id) {
  if (id.empty()) return Status::Error("an empty instance id has no bus name");
  std::string name = std::string(kControlInterface) + "." + EscapeBusNameElement(id);
  if (name.size() > 255) {
    return Status::Error("instance id '" + std::string(id) +
                         "' is too long for a D-Bus name (255 bytes once escaped)");
  }
  return name;
}

}  // namespace nymvisor
