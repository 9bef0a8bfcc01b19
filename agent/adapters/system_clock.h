#ifndef NYMVISOR_AGENT_ADAPTERS_SYSTEM_CLOCK_H_
#define NYMVISOR_AGENT_ADAPTERS_SYSTEM_CLOCK_H_

#include "agent/ports/clock.h"

namespace nymvisor {

/// std::chrono::system_clock. Any thread.
class SystemClock : public Clock {
 public:
  Timestamp Now() override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_SYSTEM_CLOCK_H_
