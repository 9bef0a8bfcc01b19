#ifndef NYMVISOR_AGENT_SHELL_RECORD_STORE_H_
#define NYMVISOR_AGENT_SHELL_RECORD_STORE_H_

#include <string>

#include "agent/ports/file_system.h"
#include "agent/records/current_version.h"
#include "agent/records/hold.h"
#include "agent/records/layout.h"
#include "agent/records/node_down.h"
#include "agent/records/signature_record.h"
#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_info.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor {

/// Reads and writes an instance's JSON records (plan, history, current version,
/// per-upgrade info) at the paths the Layout names. Every write is atomic.
/// Errors name the file. Holds references only; use from one thread at a time.
class RecordStore {
 public:
  RecordStore(FileSystem& files, Layout layout) : files_(files), layout_(std::move(layout)) {}

  const Layout& layout() const { return layout_; }

  Result<UpgradePlan> LoadPlan();
  Status SavePlan(const UpgradePlan& plan);
  /// A missing history file is an empty history.
  Result<UpgradeHistory> LoadHistory();
  Status SaveHistory(const UpgradeHistory& history);
  Result<CurrentVersion> LoadCurrentVersion();
  Status SaveCurrentVersion(const CurrentVersion& current);
  /// upgrades/<name>/upgrade-info.json (genesis/upgrade-info.json for "genesis").
  Result<UpgradeInfo> LoadUpgradeInfo(const std::string& name);
  Status SaveUpgradeInfo(const UpgradeInfo& info);
  /// The operator's hold; NotFound when upgrades are not held.
  Result<HoldRecord> LoadHold();
  Status SaveHold(const HoldRecord& hold);
  /// Removes the hold; no error when there is none.
  Status ClearHold();
  /// The node-left-down record; NotFound when the node may start.
  Result<NodeDownRecord> LoadNodeDown();
  Status SaveNodeDown(const NodeDownRecord& record);
  /// Removes it; NotFound when there was none (the operator is told so).
  Status ClearNodeDown();
  /// NotFound until a signed upgrade-info.json was first accepted.
  Result<SignatureRecord> LoadSignature();
  Status SaveSignature(const SignatureRecord& record);

 private:
  Result<std::string> Read(const std::filesystem::path& path);
  Status Write(const std::filesystem::path& path, const Json& j);

  FileSystem& files_;
  Layout layout_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_RECORD_STORE_H_
