#include "agent/decide/upgrade_state.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

/// "undone": absent in files written before `rollback --to`.
Status GetUndone(const Json& j, std::vector<std::string>* undone) {
  const Json* list = FindMember(j, "undone");
  if (list == nullptr) return {};
  if (!list->is_array()) return Status::Error("\"undone\" must be a list of upgrade names");
  for (const Json& name : *list) {
    if (!name.is_string()) return Status::Error("\"undone\" must be a list of upgrade names");
    undone->push_back(name.get<std::string>());
  }
  return {};
}

Result<uint32_t> GetCount(const Json& j, std::string_view key) {
  const Json* value = FindMember(j, key);
  if (value == nullptr || !value->is_number_unsigned()) {
    return Status::Error("key '" + std::string(key) + "' must be an unsigned integer");
  }
  return value->get<uint32_t>();
}

Result<BuildInfo> GetBuildInfo(const Json& j, std::string_view key) {
  const Json* value = FindMember(j, key);
  if (value == nullptr) return Status::Error("missing key '" + std::string(key) + "'");
  Result<BuildInfo> build = BuildInfoFromJson(*value);
  if (!build.ok()) return build.status().WithContext("key '" + std::string(key) + "'");
  return build;
}

Status FillState(const Json& j, UpgradeState* s) {
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade state"));
  const Json* target = FindMember(j, "target");
  if (target == nullptr) return Status::Error("missing key 'target'");
  NV_ASSIGN_OR_RETURN(s->target, UpgradeInfoFromJson(*target));
  NV_ASSIGN_OR_RETURN(s->from_name, GetString(j, "fromName"));
  NV_ASSIGN_OR_RETURN(s->from_version, GetString(j, "fromVersion"));
  NV_ASSIGN_OR_RETURN(s->from_build, GetBuildInfo(j, "fromBuild"));
  NV_ASSIGN_OR_RETURN(s->target_build, GetBuildInfo(j, "targetBuild"));
  NV_ASSIGN_OR_RETURN(std::string step, GetString(j, "step"));
  NV_ASSIGN_OR_RETURN(s->step, ParseStepName(step));
  NV_ASSIGN_OR_RETURN(s->started_at, GetTimestamp(j, "startedAt"));
  NV_ASSIGN_OR_RETURN(s->attempts, GetCount(j, "attempts"));
  NV_ASSIGN_OR_RETURN(s->backup_path, GetString(j, "backupPath"));
  NV_ASSIGN_OR_RETURN(s->node_was_active, GetBool(j, "nodeWasActive"));
  NV_ASSIGN_OR_RETURN(s->skip_backup, GetBool(j, "skipBackup"));
  NV_ASSIGN_OR_RETURN(s->leave_stopped, GetBool(j, "leaveStopped"));
  NV_ASSIGN_OR_RETURN(s->switched, GetBool(j, "switched"));
  NV_ASSIGN_OR_RETURN(s->rolled_back, GetBool(j, "rolledBack"));
  NV_ASSIGN_OR_RETURN(s->node_down, GetBool(j, "nodeDown"));
  if (FindMember(j, "backupUnusable") != nullptr) {  // absent in files of 0.1.0 before it
    NV_ASSIGN_OR_RETURN(s->backup_unusable, GetBool(j, "backupUnusable"));
  }
  if (FindMember(j, "restoreAttempts") != nullptr) {  // absent before refused restores
    NV_ASSIGN_OR_RETURN(s->restore_refused, GetBool(j, "restoreRefused"));
    NV_ASSIGN_OR_RETURN(s->restore_attempts, GetCount(j, "restoreAttempts"));
  }
  if (FindMember(j, "revert") != nullptr) {  // absent before operator rollbacks existed
    NV_ASSIGN_OR_RETURN(s->revert, GetBool(j, "revert"));
    NV_ASSIGN_OR_RETURN(s->revert_backup, GetString(j, "revertBackup"));
  }
  if (const Json* target_backup = FindMember(j, "targetBackup");
      target_backup != nullptr && !target_backup->is_null()) {
    NV_ASSIGN_OR_RETURN(s->target_backup, GetString(j, "targetBackup"));
  }
  if (FindMember(j, "requestedBy") != nullptr) {
    NV_ASSIGN_OR_RETURN(s->requested_by, GetString(j, "requestedBy"));
  }
  if (FindMember(j, "fleet") != nullptr) {  // absent without a fleet, and before fleets
    NV_ASSIGN_OR_RETURN(s->fleet, GetBool(j, "fleet"));
    NV_ASSIGN_OR_RETURN(s->committed, GetBool(j, "fleetCommitted"));
  }
  NV_RETURN_IF_ERROR(GetUndone(j, &s->undone));
  NV_ASSIGN_OR_RETURN(s->failure, GetString(j, "failure"));
  NV_ASSIGN_OR_RETURN(s->restarts_before, GetCount(j, "restartsBefore"));
  NV_ASSIGN_OR_RETURN(s->health_started_at, GetOptionalTimestamp(j, "healthStartedAt"));
  if (FindMember(j, "healthBootId") != nullptr) {  // absent before reboots were noticed
    NV_ASSIGN_OR_RETURN(s->health_boot_id, GetString(j, "healthBootId"));
  }
  if (FindMember(j, "healthSeenMs") != nullptr) {
    NV_ASSIGN_OR_RETURN(uint32_t ms, GetCount(j, "healthSeenMs"));
    s->health_seen = std::chrono::milliseconds(ms);
  }
  if (FindMember(j, "healthPausedAt") != nullptr) {  // absent before operator stops were noticed
    NV_ASSIGN_OR_RETURN(s->health_paused_at, GetOptionalTimestamp(j, "healthPausedAt"));
  }
  return {};
}

}  // namespace

std::string BackupNameFor(const UpgradeState& state) {
  return state.revert ? ".rollback-to-" + state.target.name : state.target.name;
}

Result<UpgradeState> UpgradeStateFromJson(const Json& j) {
  UpgradeState s;
  Status st = FillState(j, &s);
  if (!st.ok()) return st.WithContext("upgrade state");
  return s;
}

Result<UpgradeState> ParseUpgradeState(std::string_view text) {
  return ParseRecord(text, UpgradeStateFromJson);
}

Json UpgradeStateToJson(const UpgradeState& s) {
  Json j = Json::object();
  j["step"] = StepName(s.step);
  j["target"] = UpgradeInfoToJson(s.target);
  j["fromName"] = s.from_name;
  j["fromVersion"] = s.from_version;
  j["fromBuild"] = BuildInfoToJson(s.from_build);
  j["targetBuild"] = BuildInfoToJson(s.target_build);
  j["startedAt"] = FormatTimestamp(s.started_at);
  j["attempts"] = s.attempts;
  j["backupPath"] = s.backup_path;
  j["nodeWasActive"] = s.node_was_active;
  j["skipBackup"] = s.skip_backup;
  j["leaveStopped"] = s.leave_stopped;
  j["switched"] = s.switched;
  j["rolledBack"] = s.rolled_back;
  j["nodeDown"] = s.node_down;
  j["backupUnusable"] = s.backup_unusable;
  j["restoreRefused"] = s.restore_refused;
  j["restoreAttempts"] = s.restore_attempts;
  j["revert"] = s.revert;
  j["revertBackup"] = s.revert_backup;
  j["targetBackup"] = s.target_backup ? Json(*s.target_backup) : Json(nullptr);
  j["requestedBy"] = s.requested_by;
  j["undone"] = s.undone;
  if (s.fleet) {  // files without a fleet stay as they were
    j["fleet"] = true;
    j["fleetCommitted"] = s.committed;
  }
  j["failure"] = s.failure;
  j["restartsBefore"] = s.restarts_before;
  j["healthBootId"] = s.health_boot_id;
  j["healthSeenMs"] = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(s.health_seen).count());
  j["healthPausedAt"] =
      s.health_paused_at ? Json(FormatTimestamp(*s.health_paused_at)) : Json(nullptr);
  j["healthStartedAt"] =
      s.health_started_at ? Json(FormatTimestamp(*s.health_started_at)) : Json(nullptr);
  return j;
}

}  // namespace nymvisor
