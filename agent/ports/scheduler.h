#ifndef NYMVISOR_AGENT_PORTS_SCHEDULER_H_
#define NYMVISOR_AGENT_PORTS_SCHEDULER_H_

#include <cstdint>
#include <functional>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// Runs callbacks later, on the thread that owns the scheduler. The agent's
/// logic asks for time through this interface, so tests drive it by hand.
class Scheduler {
 public:
  using TimerId = uint64_t;
  using Callback = std::function<void()>;

  virtual ~Scheduler() = default;
  /// After `delay` of monotonic time (immune to wall-clock jumps).
  virtual TimerId After(Duration delay, Callback cb) = 0;
  /// At a wall-clock time; a time in the past fires at once.
  virtual TimerId At(Timestamp when, Callback cb) = 0;
  /// Cancels a pending timer; unknown or fired ids are ignored.
  virtual void Cancel(TimerId id) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_SCHEDULER_H_
