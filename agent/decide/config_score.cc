#include "agent/decide/config_score.h"

#include <cmath>

namespace nymvisor {
namespace {

constexpr double kPenalty = 0.995;  // nym-api's defaults
constexpr double kScaling = 1.65;

}  // namespace

uint64_t VersionsBehind(const SemanticVersion& running, const SemanticVersion& newest) {
  if (CompareVersions(running, newest) >= 0) return 0;
  if (running.major != newest.major) return 100 * (newest.major - running.major);
  if (running.minor != newest.minor) return 10 * (newest.minor - running.minor);
  if (running.patch != newest.patch) return newest.patch - running.patch;
  return 1;  // a prerelease of the newest
}

double ConfigScore(uint64_t versions_behind) {
  return std::pow(kPenalty, std::pow(static_cast<double>(versions_behind), kScaling));
}

std::optional<uint64_t> VersionsBehindOf(std::string_view running, std::string_view newest) {
  Result<SemanticVersion> r = ParseSemanticVersion(running);
  Result<SemanticVersion> n = ParseSemanticVersion(newest);
  if (!r.ok() || !n.ok()) return std::nullopt;
  return VersionsBehind(*r, *n);
}

}  // namespace nymvisor
