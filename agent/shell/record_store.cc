#include "agent/shell/record_store.h"

#include <nlohmann/json.hpp>

namespace nymvisor {

Result<std::string> RecordStore::Read(const std::filesystem::path& path) {
  return files_.ReadFile(path);
}

Status RecordStore::Write(const std::filesystem::path& path, const Json& j) {
  return files_.WriteFileAtomic(path, DumpJsonPretty(j), 0644);
}

/// Parses `text` with `parse`, naming `path` in the error.
template <typename T, typename Parser>
Result<T> ParseNamed(const Result<std::string>& text, const std::filesystem::path& path,
                     Parser parse) {
  if (!text.ok()) return text.status();
  Result<T> value = parse(*text);
  if (!value.ok()) return value.status().WithContext(path.string());
  return value;
}

Result<UpgradePlan> RecordStore::LoadPlan() {
  auto path = layout_.PlanFile();
  return ParseNamed<UpgradePlan>(Read(path), path, ParseUpgradePlan);
}

Status RecordStore::SavePlan(const UpgradePlan& plan) {
  return Write(layout_.PlanFile(), UpgradePlanToJson(plan));
}

Result<UpgradeHistory> RecordStore::LoadHistory() {
  auto path = layout_.HistoryFile();
  Result<std::string> text = Read(path);
  if (text.status().IsNotFound()) return UpgradeHistory{};
  return ParseNamed<UpgradeHistory>(text, path, ParseUpgradeHistory);
}

Status RecordStore::SaveHistory(const UpgradeHistory& history) {
  return Write(layout_.HistoryFile(), UpgradeHistoryToJson(history));
}

Result<CurrentVersion> RecordStore::LoadCurrentVersion() {
  auto path = layout_.CurrentVersionFile();
  return ParseNamed<CurrentVersion>(Read(path), path, ParseCurrentVersion);
}

Status RecordStore::SaveCurrentVersion(const CurrentVersion& current) {
  return Write(layout_.CurrentVersionFile(), CurrentVersionToJson(current));
}

Result<UpgradeInfo> RecordStore::LoadUpgradeInfo(const std::string& name) {
  auto path = layout_.UpgradeInfoFile(name);
  return ParseNamed<UpgradeInfo>(Read(path), path, ParseUpgradeInfo);
}

Status RecordStore::SaveUpgradeInfo(const UpgradeInfo& info) {
  NV_RETURN_IF_ERROR(files_.CreateDirectories(layout_.UpgradeDir(info.name) / "bin", 0755));
  return Write(layout_.UpgradeInfoFile(info.name), UpgradeInfoToJson(info));
}

Result<HoldRecord> RecordStore::LoadHold() {
  auto path = layout_.HoldFile();
  return ParseNamed<HoldRecord>(Read(path), path, ParseHoldRecord);
}

Status RecordStore::SaveHold(const HoldRecord& hold) {
  return Write(layout_.HoldFile(), HoldRecordToJson(hold));
}

Result<SignatureRecord> RecordStore::LoadSignature() {
  auto path = layout_.SignatureFile();
  return ParseNamed<SignatureRecord>(Read(path), path, ParseSignatureRecord);
}

Status RecordStore::SaveSignature(const SignatureRecord& record) {
  return Write(layout_.SignatureFile(), SignatureRecordToJson(record));
}

Result<NodeDownRecord> RecordStore::LoadNodeDown() {
  auto path = layout_.NodeDownFile();
  return ParseNamed<NodeDownRecord>(Read(path), path, ParseNodeDownRecord);
}

Status RecordStore::SaveNodeDown(const NodeDownRecord& record) {
  return Write(layout_.NodeDownFile(), NodeDownRecordToJson(record));
}

Status RecordStore::ClearNodeDown() {
  if (!files_.Stat(layout_.NodeDownFile()).ok()) {
    return Status::NotFound("there is no node-left-down record (" +
                            layout_.NodeDownFile().string() + "): nothing to clear");
  }
  return files_.RemoveAll(layout_.NodeDownFile());
}

Status RecordStore::ClearHold() {
  Status st = files_.RemoveAll(layout_.HoldFile());
  return st.IsNotFound() ? Status() : st;
}

}  // namespace nymvisor
