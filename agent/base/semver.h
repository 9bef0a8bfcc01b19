#ifndef NYMVISOR_AGENT_BASE_SEMVER_H_
#define NYMVISOR_AGENT_BASE_SEMVER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// A semantic version (semver.org 2.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
/// A leading "v" is accepted. Plain value.
struct SemanticVersion {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  ///< dot-separated identifiers
};

Result<SemanticVersion> ParseSemanticVersion(std::string_view text);

/// Precedence per semver 2.0 (build metadata ignored): <0, 0 or >0.
int CompareVersions(const SemanticVersion& a, const SemanticVersion& b);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_SEMVER_H_
