#include "agent/decide/upstream_decision.h"

#include "agent/base/semver.h"
#include "agent/base/timestamp.h"
#include "agent/records/upgrade_name.h"

namespace nymvisor {
namespace {

UpstreamDecision Decision(UpstreamVerdict verdict, std::string detail = "") {
  return {verdict, std::move(detail)};
}

/// Upstream's relation to entries already queued, if any.
std::optional<UpstreamDecision> CompareWithQueue(const UpgradeInfo& offered,
                                                 const UpgradePlan& plan) {
  if (const UpgradeInfo* same_name = FindQueuedByName(plan, offered.name)) {
    if (same_name->version == offered.version) {
      // Upstream may move its own upgrade; one queued by hand stays put.
      if (same_name->manual || same_name->upgrade_time == offered.upgrade_time) {
        return Decision(UpstreamVerdict::kAlreadyQueued);
      }
      return Decision(UpstreamVerdict::kReschedule,
                      "upstream moved upgrade " + offered.name + " from " +
                          FormatTimestamp(same_name->upgrade_time) + " to " +
                          FormatTimestamp(offered.upgrade_time));
    }
    return Decision(UpstreamVerdict::kNameConflict,
                    "upgrade '" + offered.name + "' is queued with version " + same_name->version +
                        " but upstream now says " + offered.version);
  }
  if (const UpgradeInfo* same_version = FindQueuedByVersion(plan, offered.version)) {
    return Decision(UpstreamVerdict::kNameConflict,
                    "version " + offered.version + " is already queued as upgrade '" +
                        same_version->name + "', upstream calls it '" + offered.name + "'");
  }
  return std::nullopt;
}

/// A name already applied (the running one, or one in history) is never
/// reused for another version: its directory holds that version's binary.
std::optional<UpstreamDecision> CompareWithApplied(const UpgradeInfo& offered,
                                                   const UpgradePlan& plan,
                                                   const UpgradeHistory& history) {
  std::string applied_version;
  if (offered.name == plan.current.name) {
    applied_version = plan.current.version;
  } else if (const HistoryEntry* last = LastEntryFor(history, offered.name);
             last != nullptr && last->outcome == UpgradeOutcome::kCompleted) {
    applied_version = last->info.version;
  }
  if (applied_version.empty() || applied_version == offered.version) return std::nullopt;
  return Decision(UpstreamVerdict::kNameConflict,
                  "upgrade '" + offered.name + "' was applied as version " + applied_version +
                      " but upstream now says " + offered.version);
}

/// The same binary (version and checksum) under any name was rolled back or
/// reverted: upstream re-publishing it does not make it good.
std::optional<UpstreamDecision> CompareWithFailedBinaries(const UpgradeInfo& offered,
                                                          const UpgradeHistory& history,
                                                          std::string_view platform) {
  const HistoryEntry* ran = LastRunOfBinary(history, offered, platform);
  if (ran == nullptr || ran->outcome == UpgradeOutcome::kCompleted) return std::nullopt;
  std::string how = ran->outcome == UpgradeOutcome::kRolledBack ? "rolled back" : "reverted";
  return Decision(UpstreamVerdict::kBlocked,
                  offered.version + " with this checksum was " + how + " on " +
                      FormatTimestamp(ran->performed_at) + " as upgrade '" + ran->info.name + "'" +
                      (ran->reason.empty() ? "" : " (" + ran->reason + ")") +
                      "; upstream now calls it '" + offered.name +
                      "': not applied again (a fixed release has another checksum); "
                      "to apply it anyway, queue it yourself: 'nymvisor add-upgrade BINARY "
                      "--upgrade-name " +
                      offered.name + " --force'");
}

/// A pre_upgrade_command's refusal the operator cleared (`nymvisor check`):
/// upstream may offer the upgrade again. Failures and rollbacks stay final.
bool ClearedRefusal(const HistoryEntry& entry) {
  return entry.outcome == UpgradeOutcome::kRefused && entry.cleared_at.has_value();
}

}  // namespace

UpstreamDecision DecideUpstream(const UpgradeInfo& offered, const UpgradePlan& plan,
                                const UpgradeHistory& history, std::string_view platform) {
  if (Status st = ValidateUpgradeName(offered.name); !st.ok()) {
    return Decision(UpstreamVerdict::kInvalid, st.message());
  }
  if (offered.name == "genesis") {
    return Decision(UpstreamVerdict::kInvalid, "the upgrade name 'genesis' is reserved");
  }
  Result<SemanticVersion> offered_version = ParseSemanticVersion(offered.version);
  if (!offered_version.ok()) {
    return Decision(UpstreamVerdict::kInvalid, offered_version.status().message());
  }
  if (auto queued = CompareWithQueue(offered, plan)) return *queued;
  if (auto applied = CompareWithApplied(offered, plan, history)) return *applied;
  Result<SemanticVersion> current = ParseSemanticVersion(plan.current.version);
  if (current.ok() && CompareVersions(*offered_version, *current) == 0) {
    return Decision(UpstreamVerdict::kUpToDate);
  }
  if (const HistoryEntry* last = LastEntryFor(history, offered.name);
      last != nullptr && last->outcome != UpgradeOutcome::kCompleted && !ClearedRefusal(*last)) {
    return Decision(UpstreamVerdict::kBlocked,
                    "upgrade '" + offered.name + "' " + std::string(OutcomeName(last->outcome)) +
                        " earlier (" + last->reason + "); " +
                        (last->outcome == UpgradeOutcome::kRefused
                             ? "run 'nymvisor check' to clear the refusal and offer it again"
                             : "queue it again with 'nymvisor add-upgrade --force'"));
  }
  if (auto failed = CompareWithFailedBinaries(offered, history, platform)) return *failed;
  if (!current.ok()) return Decision(UpstreamVerdict::kInvalid, current.status().message());
  if (CompareVersions(*offered_version, *current) < 0) {
    return Decision(
        UpstreamVerdict::kDowngrade,
        "upstream offers " + offered.version + ", older than the running " + plan.current.version);
  }
  return Decision(UpstreamVerdict::kQueue);
}

}  // namespace nymvisor
