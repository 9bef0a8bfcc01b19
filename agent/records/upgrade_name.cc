#include "agent/records/upgrade_name.h"

#include <string>

#include "agent/base/strings.h"

namespace nymvisor {

Status ValidateUpgradeName(std::string_view name) {
  auto refuse = [&](std::string_view why) {
    return Status::Error("invalid upgrade name '" + Printable(name) + "': " + std::string(why));
  };
  if (name.empty()) return refuse("it is empty");
  if (name.size() > kMaxUpgradeNameLength) {
    return refuse("longer than " + std::to_string(kMaxUpgradeNameLength) + " characters");
  }
  if (name.find('/') != std::string_view::npos) return refuse("it contains '/'");
  if (name.find("..") != std::string_view::npos) return refuse("it contains '..'");
  if (name.front() == '.') return refuse("it starts with '.'");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return refuse("it contains a control character");
    }
  }
  return {};
}

}  // namespace nymvisor
