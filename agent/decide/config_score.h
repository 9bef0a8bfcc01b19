#ifndef NYMVISOR_AGENT_DECIDE_CONFIG_SCORE_H_
#define NYMVISOR_AGENT_DECIDE_CONFIG_SCORE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "agent/base/semver.h"

namespace nymvisor {

/// How far `running` is behind `newest`, as nym-api weighs it for the
/// config score: 100 per major version, else 10 per minor, else 1 per
/// patch, else 1 for a prerelease of the newest. 0 when it is not behind.
/// Pure.
uint64_t VersionsBehind(const SemanticVersion& running, const SemanticVersion& newest);

/// The factor nym-api multiplies a node's performance by for being
/// `versions_behind` behind: 0.995^(versions_behind^1.65) (1 patch: 0.995,
/// 1 minor: about 0.80, 2 minors: about 0.50). Pure.
double ConfigScore(uint64_t versions_behind);

/// VersionsBehind for two versions as text (what the records and the
/// releases carry); nullopt when either is not a semantic version, so
/// nothing is claimed about a version that cannot be compared. Pure.
std::optional<uint64_t> VersionsBehindOf(std::string_view running, std::string_view newest);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_CONFIG_SCORE_H_
