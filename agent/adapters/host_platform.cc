#include "agent/adapters/host_platform.h"

#include <sys/utsname.h>

namespace nymvisor {

std::string HostPlatform() {
#if defined(__x86_64__)
  return "linux-x86_64";
#elif defined(__aarch64__)
  return "linux-aarch64";
#else
  struct utsname u {};
  uname(&u);
  return std::string("linux-") + u.machine;
#endif
}

}  // namespace nymvisor
