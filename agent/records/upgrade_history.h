#ifndef NYMVISOR_AGENT_RECORDS_UPGRADE_HISTORY_H_
#define NYMVISOR_AGENT_RECORDS_UPGRADE_HISTORY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// How an upgrade attempt ended. The original only records completed upgrades
/// (no outcome key); such entries read back as kCompleted. kSkipped: an
/// operator said never to apply it; kReverted: it ran, and an operator rolled
/// the node back to the version before it; kRefused: the operator's
/// pre_upgrade_command refused it before the node was stopped (final like a
/// failure until the operator clears it with `nymvisor check`).
enum class UpgradeOutcome { kCompleted, kRolledBack, kFailed, kSkipped, kReverted, kRefused };

inline constexpr UpgradeOutcome kAllOutcomes[] = {
    UpgradeOutcome::kCompleted, UpgradeOutcome::kRolledBack, UpgradeOutcome::kFailed,
    UpgradeOutcome::kSkipped,   UpgradeOutcome::kReverted,   UpgradeOutcome::kRefused};

/// One upgrade-history.json entry. `outcome` and `reason` are our additions; the
/// original ignores unknown keys, so the file stays readable by it.
struct HistoryEntry {
  Timestamp performed_at;
  UpgradeInfo info;
  UpgradeOutcome outcome = UpgradeOutcome::kCompleted;
  std::string reason;
  /// Completed entries: the backup that holds the data as it was just before
  /// this version was applied, which a rollback from it restores ("" when it
  /// was applied without a backup). Absent in histories written before it
  /// was recorded (key "backup").
  std::optional<std::string> backup = std::nullopt;
  /// kRefused entries: when an operator cleared the refusal (`nymvisor
  /// check`); upstream may then queue the upgrade again (key "clearedAt").
  std::optional<Timestamp> cleared_at = std::nullopt;
  bool operator==(const HistoryEntry&) const = default;
};

struct UpgradeHistory {
  std::vector<HistoryEntry> history;
  bool operator==(const UpgradeHistory&) const = default;
};

Result<UpgradeHistory> UpgradeHistoryFromJson(const Json& j);
Result<UpgradeHistory> ParseUpgradeHistory(std::string_view text);
Json UpgradeHistoryToJson(const UpgradeHistory& history);

std::string_view OutcomeName(UpgradeOutcome outcome);

/// The newest entry for `name`, or nullptr. Used to refuse re-queuing an upgrade
/// that was rolled back until an operator forces it.
const HistoryEntry* LastEntryFor(const UpgradeHistory& history, std::string_view name);

/// Whether `a` and `b` name the same binary for `platform` (its key, else
/// "any"): both give a checksum of the same algorithm for it, and it is equal.
/// A record without a checksum names no binary: it never matches.
bool SameBinary(const UpgradeInfo& a, const UpgradeInfo& b, std::string_view platform);

/// The newest entry in which the binary `offered` names (the same version and
/// SameBinary, whatever the upgrade's name) ran: completed, rolled back, or
/// reverted by an operator. nullptr when it never ran. Failures before the
/// switch and skips are not runs of the binary and are left out.
const HistoryEntry* LastRunOfBinary(const UpgradeHistory& history, const UpgradeInfo& offered,
                                    std::string_view platform);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_UPGRADE_HISTORY_H_
