#ifndef NYMVISOR_AGENT_ADAPTERS_HOST_PLATFORM_H_
#define NYMVISOR_AGENT_ADAPTERS_HOST_PLATFORM_H_

#include <string>

namespace nymvisor {

/// "linux-x86_64", "linux-aarch64", ...: the upgrade-info platform key of this
/// machine (uname(2) where the build does not fix it). Any thread.
std::string HostPlatform();

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_HOST_PLATFORM_H_
