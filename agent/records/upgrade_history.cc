#include "agent/records/upgrade_history.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

Result<UpgradeOutcome> ParseOutcome(const Json& entry) {
  const Json* value = FindMember(entry, "outcome");
  if (value == nullptr) return UpgradeOutcome::kCompleted;
  if (value->is_string()) {
    std::string name = value->get<std::string>();
    for (auto o : kAllOutcomes) {
      if (OutcomeName(o) == name) return o;
    }
  }
  return Status::Error(
      "key 'outcome' must be one of completed, rolled-back, failed, skipped, reverted, refused");
}

Result<HistoryEntry> EntryFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "history entry"));
  HistoryEntry entry;
  NV_ASSIGN_OR_RETURN(entry.performed_at, GetTimestamp(j, "performedAt"));
  auto info = j.find("info");
  if (info == j.end()) return Status::Error("missing key 'info'");
  Result<UpgradeInfo> parsed = UpgradeInfoFromJson(*info);
  if (!parsed.ok()) return parsed.status().WithContext("key 'info'");
  entry.info = std::move(parsed).value();
  NV_ASSIGN_OR_RETURN(entry.outcome, ParseOutcome(j));
  if (FindMember(j, "reason") != nullptr) {
    NV_ASSIGN_OR_RETURN(entry.reason, GetString(j, "reason"));
  }
  if (FindMember(j, "backup") != nullptr) {
    NV_ASSIGN_OR_RETURN(entry.backup, GetString(j, "backup"));
  }
  if (FindMember(j, "clearedAt") != nullptr) {
    NV_ASSIGN_OR_RETURN(entry.cleared_at, GetTimestamp(j, "clearedAt"));
  }
  return entry;
}

}  // namespace

Result<UpgradeHistory> UpgradeHistoryFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "upgrade history"));
  auto list = j.find("history");
  if (list == j.end() || !list->is_array()) {
    return Status::Error("upgrade history: key 'history' must be an array");
  }
  UpgradeHistory history;
  for (size_t i = 0; i < list->size(); ++i) {
    Result<HistoryEntry> entry = EntryFromJson((*list)[i]);
    if (!entry.ok()) {
      return entry.status().WithContext("upgrade history: history[" + std::to_string(i) + "]");
    }
    history.history.push_back(std::move(entry).value());
  }
  return history;
}

Result<UpgradeHistory> ParseUpgradeHistory(std::string_view text) {
  return ParseRecord(text, UpgradeHistoryFromJson);
}

Json UpgradeHistoryToJson(const UpgradeHistory& history) {
  Json list = Json::array();
  for (const HistoryEntry& entry : history.history) {
    Json j = {{"performedAt", FormatTimestamp(entry.performed_at)},
              {"info", UpgradeInfoToJson(entry.info)}};
    if (entry.outcome != UpgradeOutcome::kCompleted) j["outcome"] = OutcomeName(entry.outcome);
    if (!entry.reason.empty()) j["reason"] = entry.reason;
    if (entry.backup) j["backup"] = *entry.backup;
    if (entry.cleared_at) j["clearedAt"] = FormatTimestamp(*entry.cleared_at);
    list.push_back(std::move(j));
  }
  return Json{{"history", list}};
}

std::string_view OutcomeName(UpgradeOutcome outcome) {
  switch (outcome) {
    case UpgradeOutcome::kCompleted:
      return "completed";
    case UpgradeOutcome::kRolledBack:
      return "rolled-back";
    case UpgradeOutcome::kFailed:
      return "failed";
    case UpgradeOutcome::kSkipped:
      return "skipped";
    case UpgradeOutcome::kReverted:
      return "reverted";
    case UpgradeOutcome::kRefused:
      return "refused";
  }
  return "completed";
}

const HistoryEntry* LastEntryFor(const UpgradeHistory& history, std::string_view name) {
  for (auto it = history.history.rbegin(); it != history.history.rend(); ++it) {
    if (it->info.name == name) return &*it;
  }
  return nullptr;
}

bool SameBinary(const UpgradeInfo& a, const UpgradeInfo& b, std::string_view platform) {
  Result<DownloadUrl> da = SelectDownload(a, platform);
  Result<DownloadUrl> db = SelectDownload(b, platform);
  return da.ok() && db.ok() && !da->checksum.empty() && da->algorithm == db->algorithm &&
         da->checksum == db->checksum;
}

const HistoryEntry* LastRunOfBinary(const UpgradeHistory& history, const UpgradeInfo& offered,
                                    std::string_view platform) {
  for (auto it = history.history.rbegin(); it != history.history.rend(); ++it) {
    bool ran = it->outcome == UpgradeOutcome::kCompleted ||
               it->outcome == UpgradeOutcome::kRolledBack ||
               it->outcome == UpgradeOutcome::kReverted;
    if (ran && it->info.version == offered.version && SameBinary(it->info, offered, platform)) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace nymvisor
