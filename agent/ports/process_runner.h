#ifndef NYMVISOR_AGENT_PORTS_PROCESS_RUNNER_H_
#define NYMVISOR_AGENT_PORTS_PROCESS_RUNNER_H_

#include <string>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"

namespace nymvisor {

/// How a finished (or abandoned) child process ended, and what it printed.
struct ProcessResult {
  int exit_code = -1;  ///< valid when signal == 0 and !timed_out
  int signal = 0;      ///< the terminating signal, or 0
  bool core_dumped = false;
  bool timed_out = false;  ///< killed by us after the timeout
  std::string out;         ///< stdout, truncated at the cap
  std::string err;         ///< stderr, truncated at the cap

  bool Succeeded() const { return !timed_out && signal == 0 && exit_code == 0; }
  /// "exited with status 3", "was killed by signal 9 (core dumped)", ...
  std::string Describe() const;
};

inline constexpr size_t kDefaultMaxOutput = 1 << 20;

/// Runs short-lived helper commands (a daemon's build-info). The child gets
/// /dev/null as stdin and its own process group, which is killed on timeout.
/// Implementations are safe to use from any single thread at a time.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// An error only when the process could not be started; how it ended is in
  /// the ProcessResult. Output beyond `max_output` bytes per stream is dropped.
  /// `env` ("NAME=value" each), when given, replaces the whole environment:
  /// an operator's command never sees the agent's own (credentials,
  /// NOTIFY_SOCKET); null: the child inherits it.
  virtual Result<ProcessResult> Run(const std::vector<std::string>& argv, Duration timeout,
                                    size_t max_output = kDefaultMaxOutput,
                                    const std::vector<std::string>* env = nullptr) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_PROCESS_RUNNER_H_
