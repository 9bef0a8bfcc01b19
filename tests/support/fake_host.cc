#include "tests/support/fake_host.h"

namespace nymvisor::testing {

FakeHost::FakeHost(FakeSystemdManager& systemd, std::string unit,
                   std::function<std::string()> current_version)
    : systemd_(systemd), unit_(std::move(unit)), current_version_(std::move(current_version)) {
  systemd_.enabled.insert(unit_);
  systemd_.on_started = [this](const std::string& started) { OnStarted(started); };
}

void FakeHost::OnStarted(const std::string& unit) {
  if (unit != unit_) return;
  std::string version = current_version_();
  starts.push_back({version, data});
  auto migration = migrations.find(version);
  if (data == kPreUpgradeData && migration != migrations.end()) data = migration->second;
}

bool FakeHost::NodeRuns() const {
  auto it = systemd_.units.find(unit_);
  return it != systemd_.units.end() && (it->second.active_state == ActiveState::kActive ||
                                        it->second.active_state == ActiveState::kActivating);
}

void FakeHost::PowerCut() { systemd_.PowerCut(); }

Status FakeHost::PreCopy(const std::string&) { return {}; }

Result<std::filesystem::path> FakeHost::Create(const std::string& upgrade_name) {
  if (!fail_create.ok()) return fail_create;
  if (NodeRuns()) violations.push_back("a backup taken while the node runs");
  std::filesystem::path path =
      "/backups/" + upgrade_name + "/backup-" + std::to_string(next_backup_++);
  backups[path] = data;
  return path;
}

Status FakeHost::Restore(const std::filesystem::path& backup) {
  auto it = backups.find(backup);
  if (it == backups.end()) return Status::Unusable("no backup at " + backup.string());
  if (NodeRuns()) violations.push_back("a restore while the node runs (data " + data + ")");
  data = kHalfRestoredData;
  if (during_restore) during_restore();
  if (!fail_restore.ok()) return fail_restore;
  data = it->second;
  return {};
}

Status FakeHost::Prune(uint32_t, const std::vector<std::filesystem::path>&) { return {}; }

bool FakeHost::IsComplete(const std::filesystem::path& backup) { return backups.contains(backup); }

Status FakeHost::DiscardPreCopy() { return {}; }

Result<bool> FakeHost::HomeMatches(const std::filesystem::path& backup) {
  auto it = backups.find(backup);
  return it != backups.end() && it->second == data;
}

std::vector<std::string> FakeHost::TakeNotes() { return {}; }

Result<std::filesystem::path> FakeHost::Latest(const std::string& upgrade_name) {
  for (auto it = backups.rbegin(); it != backups.rend(); ++it) {
    if (it->first.parent_path().filename() == upgrade_name) return it->first;
  }
  return Status::NotFound("no backup of " + upgrade_name);
}

std::vector<std::string> FakeHost::UnsoundStarts() const {
  std::vector<std::string> unsound;
  for (const NodeStart& start : starts) {
    auto migration = migrations.find(start.version);
    bool own = migration != migrations.end() && migration->second == start.data;
    if (start.data != kPreUpgradeData && !own) {
      unsound.push_back(start.version + " on " + start.data);
    }
  }
  return unsound;
}

}  // namespace nymvisor::testing
