#ifndef NYMVISOR_AGENT_PORTS_CLOCK_H_
#define NYMVISOR_AGENT_PORTS_CLOCK_H_

#include "agent/base/timestamp.h"

namespace nymvisor {

/// Wall-clock time, behind an interface so tests control "now".
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_CLOCK_H_
