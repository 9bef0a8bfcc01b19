#ifndef NYMVISOR_AGENT_CLOCK_H_
#define NYMVISOR_AGENT_CLOCK_H_

#include "agent/timestamp.h"

namespace nymvisor {

/// Wall-clock time, behind an interface so tests control "now".
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;
};

/// std::chrono::system_clock. Any thread.
class SystemClock : public Clock {
 public:
  Timestamp Now() override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLOCK_H_
