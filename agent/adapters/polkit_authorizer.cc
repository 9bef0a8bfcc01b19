#include "agent/adapters/polkit_authorizer.h"

#include <sdbus-c++/sdbus-c++.h>

namespace nymvisor {
namespace {

constexpr char kPolkit[] = "org.freedesktop.PolicyKit1";
constexpr char kAuthorityPath[] = "/org/freedesktop/PolicyKit1/Authority";
constexpr char kAuthority[] = "org.freedesktop.PolicyKit1.Authority";

using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
using AuthorizationResult = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;

}  // namespace

Status PolkitAuthorizer::Authorize(const Caller& caller, const std::string& action,
                                   const std::map<std::string, std::string>& details) {
  if (caller.uid == 0) return {};
  Subject subject{std::string("system-bus-name"),
                  std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(caller.bus_name)}}};
  AuthorizationResult result;
  try {
    auto authority = sdbus::createProxy(bus_.connection(), kPolkit, kAuthorityPath);
    authority->callMethod("CheckAuthorization")
        .onInterface(kAuthority)
        .withTimeout(std::chrono::seconds(10))
        .withArguments(subject, action, details, uint32_t{0}, std::string())
        .storeResultsTo(result);
  } catch (const sdbus::Error& e) {
    return Status::Error("polkit could not decide on " + action + ": " + e.getName() + ": " +
                         e.getMessage());
  }
  if (std::get<0>(result)) return {};
  return Status::Denied(std::get<1>(result) ? "polkit asks for authentication, which a "
                                              "non-interactive call cannot give"
                                            : "polkit said no");
}

}  // namespace nymvisor
