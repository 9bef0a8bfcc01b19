#ifndef NYMVISOR_AGENT_RECORDS_UPGRADE_WAITS_H_
#define NYMVISOR_AGENT_RECORDS_UPGRADE_WAITS_H_

#include <map>
#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/status.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// DATA/upgrade-waits.json: when each queued upgrade without a publishDate
/// was first seen, which then counts as its publication time for
/// min_release_age. Persisted so that a restart of the agent does not
/// restart the wait. Also when each due upgrade was first postponed by the
/// busy check or pre-upgrade command, which busy_deadline counts from, so
/// that a restart does not restart that deadline either. Plain value.
struct UpgradeWaits {
  std::map<std::string, Timestamp> first_seen;  ///< by upgrade name
  std::map<std::string, Timestamp> due_since;   ///< by upgrade name; none for older files
  bool operator==(const UpgradeWaits&) const = default;
};

/// `{"firstSeen": {"<name>": "<RFC 3339>"}, "dueSince": {...}}`; a missing
/// member is empty (files of older agents have no dueSince); errors name the
/// bad member.
Result<UpgradeWaits> ParseUpgradeWaits(std::string_view text);
Json UpgradeWaitsToJson(const UpgradeWaits& waits);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_UPGRADE_WAITS_H_
