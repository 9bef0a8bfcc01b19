#ifndef NYMVISOR_AGENT_DECIDE_UPSTREAM_DECISION_H_
#define NYMVISOR_AGENT_DECIDE_UPSTREAM_DECISION_H_

#include <string>
#include <string_view>

#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_info.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor {

enum class UpstreamVerdict {
  kUpToDate,       ///< upstream names the version that runs now
  kAlreadyQueued,  ///< the same upgrade is already in the plan
  kReschedule,     ///< queued from upstream before, now at another upgradeTime: move it
  kQueue,          ///< a newer version: add it to the plan
  kDowngrade,      ///< not newer than what runs: refused (unlike the original)
  kNameConflict,   ///< the same version under another name, or the name reused
  kBlocked,        ///< this upgrade failed or was rolled back before
  kInvalid,        ///< a bad name or a version that is not semver
};

struct UpstreamDecision {
  UpstreamVerdict verdict;
  std::string detail;  ///< for the journal
};

/// What to do with the upgrade info upstream offers, given the plan and the
/// history. Versions are compared in semantic-version order. A binary that
/// was rolled back (or reverted by an operator) is blocked whatever name it
/// comes under: the same version with the same checksum for `platform` (the
/// host's key); the same version with another checksum is a new candidate.
/// Pure.
UpstreamDecision DecideUpstream(const UpgradeInfo& offered, const UpgradePlan& plan,
                                const UpgradeHistory& history, std::string_view platform);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPSTREAM_DECISION_H_
