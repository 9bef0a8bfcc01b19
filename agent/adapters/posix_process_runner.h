#ifndef NYMVISOR_AGENT_ADAPTERS_POSIX_PROCESS_RUNNER_H_
#define NYMVISOR_AGENT_ADAPTERS_POSIX_PROCESS_RUNNER_H_

#include "agent/ports/process_runner.h"

namespace nymvisor {

/// Whether the system knows an account by this name (getpwnam).
bool UserExists(const std::string& name);

/// fork/exec with pipes and poll(2). With `run_as` (a user name), children
/// run as that user and its group, so a freshly downloaded binary never runs
/// with the agent's privileges; it only takes effect when running as root.
class PosixProcessRunner : public ProcessRunner {
 public:
  explicit PosixProcessRunner(std::string run_as = "") : run_as_(std::move(run_as)) {}
  Result<ProcessResult> Run(const std::vector<std::string>& argv, Duration timeout,
                            size_t max_output = kDefaultMaxOutput,
                            const std::vector<std::string>* env = nullptr) override;

 private:
  std::string run_as_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_POSIX_PROCESS_RUNNER_H_
