#include "agent/records/node_down.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

Result<NodeDownRecord> ReadNodeDown(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "node-left-down"));
  NodeDownRecord r;
  NV_ASSIGN_OR_RETURN(r.since, GetTimestamp(j, "since"));
  NV_ASSIGN_OR_RETURN(r.upgrade, GetString(j, "upgrade"));
  NV_ASSIGN_OR_RETURN(r.from_version, GetString(j, "fromVersion"));
  NV_ASSIGN_OR_RETURN(r.to_version, GetString(j, "toVersion"));
  NV_ASSIGN_OR_RETURN(r.reason, GetString(j, "reason"));
  NV_ASSIGN_OR_RETURN(r.backup, GetString(j, "backup"));
  return r;
}

}  // namespace

Result<NodeDownRecord> NodeDownRecordFromJson(const Json& j) {
  Result<NodeDownRecord> r = ReadNodeDown(j);
  if (!r.ok()) return r.status().WithContext("node-left-down");
  return r;
}

Result<NodeDownRecord> ParseNodeDownRecord(std::string_view text) {
  return ParseRecord(text, NodeDownRecordFromJson);
}

Json NodeDownRecordToJson(const NodeDownRecord& r) {
  return Json{
      {"since", FormatTimestamp(r.since)}, {"upgrade", r.upgrade}, {"fromVersion", r.from_version},
      {"toVersion", r.to_version},         {"reason", r.reason},   {"backup", r.backup}};
}

std::string DescribeNodeDown(const NodeDownRecord& r) {
  return "the node was left down at " + FormatTimestamp(r.since) + " while upgrade " + r.upgrade +
         " (" + r.from_version + " -> " + r.to_version + ") was rolled back: " + r.reason +
         (r.backup.empty() ? "" : " (backup " + r.backup + ")") +
         "; its data may be half-restored. Restore or check the data, then run 'nymvisor "
         "release-node' (add --start to start it)";
}

}  // namespace nymvisor
