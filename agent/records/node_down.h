#ifndef NYMVISOR_AGENT_RECORDS_NODE_DOWN_H_
#define NYMVISOR_AGENT_RECORDS_NODE_DOWN_H_

#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// `node-left-down.json` in the data directory: written when a rollback could
/// not bring the old version back (no usable backup to finish a restore), so
/// the node's data may be half-restored. While it exists the node unit does
/// not start (`nymvisor exec` refuses) and no upgrade is applied, across
/// agent restarts and reboots, until an operator runs `nymvisor release-node`.
/// Plain value.
struct NodeDownRecord {
  Timestamp since;
  std::string upgrade;       ///< the upgrade being undone
  std::string from_version;  ///< the version the rollback went back to
  std::string to_version;    ///< the version that failed
  std::string reason;        ///< why the node was left down
  std::string backup;        ///< the backup that could not be restored ("" none)
  bool operator==(const NodeDownRecord&) const = default;
};

Result<NodeDownRecord> NodeDownRecordFromJson(const Json& j);
Result<NodeDownRecord> ParseNodeDownRecord(std::string_view text);
Json NodeDownRecordToJson(const NodeDownRecord& record);

/// What an operator reads about the record: what happened and what to do.
std::string DescribeNodeDown(const NodeDownRecord& record);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_NODE_DOWN_H_
