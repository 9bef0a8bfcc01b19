#ifndef NYMVISOR_AGENT_SHELL_BUILD_INFO_PROBE_H_
#define NYMVISOR_AGENT_SHELL_BUILD_INFO_PROBE_H_

#include <string>

#include "agent/base/duration.h"
#include "agent/ports/process_runner.h"
#include "agent/records/build_info.h"

namespace nymvisor {

inline constexpr Duration kDefaultBuildInfoTimeout = std::chrono::seconds(30);

/// Runs `<binary> --no-banner build-info --output=json` and parses what it
/// prints. A non-zero exit, a signal, a timeout or output that is not the
/// build-info JSON is an error naming the binary and quoting its stderr.
Result<BuildInfo> ProbeBuildInfo(ProcessRunner& processes, const std::string& binary,
                                 Duration timeout = kDefaultBuildInfoTimeout);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_BUILD_INFO_PROBE_H_
