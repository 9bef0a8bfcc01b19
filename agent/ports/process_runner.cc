#include "agent/ports/process_runner.h"

#include <cstring>

namespace nymvisor {

std::string ProcessResult::Describe() const {
  if (timed_out) return "did not finish in time and was killed";
  if (signal != 0) {
    return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")" +
           (core_dumped ? " (core dumped)" : "");
  }
  return "exited with status " + std::to_string(exit_code);
}

}  // namespace nymvisor
