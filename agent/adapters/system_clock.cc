#include "agent/adapters/system_clock.h"

namespace nymvisor {

Timestamp SystemClock::Now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

}  // namespace nymvisor
