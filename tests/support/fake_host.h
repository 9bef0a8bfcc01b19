#ifndef NYMVISOR_TESTS_SUPPORT_FAKE_HOST_H_
#define NYMVISOR_TESTS_SUPPORT_FAKE_HOST_H_

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/decide/upgrade_state.h"
#include "agent/ports/backup_store.h"
#include "tests/support/agent_fakes.h"

namespace nymvisor::testing {

/// The node's data, by generation: a test cannot look inside a real database,
/// so the data is one name that says what it holds.
inline constexpr char kPreUpgradeData[] = "pre-upgrade";
inline constexpr char kHalfRestoredData[] = "half-restored";

/// The machine a node runs on, for tests that cut the power: the node's unit
/// (enabled, so a boot starts it), the binary `current` points at, and the
/// node's data, which a version changes when it runs (its migration) and
/// which a backup copies and a restore brings back. A restore cut short
/// leaves the data half restored. Every start of the node is logged with
/// (version, data), so a test checks what ran on which data. It is also the
/// backup store the runner uses. Main thread only.
class FakeHost : public BackupStore {
 public:
  struct NodeStart {
    std::string version;
    std::string data;
  };

  /// `current_version` answers which version `current` points at now.
  FakeHost(FakeSystemdManager& systemd, std::string unit,
           std::function<std::string()> current_version);

  /// The power goes (units down, jobs lost), then the machine boots.
  void PowerCut();
  void Boot() { systemd_.Boot(); }

  Status PreCopy(const std::string& upgrade_name) override;
  Result<std::filesystem::path> Create(const std::string& upgrade_name) override;
  /// Checks that the node is not running, then writes the data: half of it,
  /// then `during_restore` (a test's power cut), then the rest.
  Status Restore(const std::filesystem::path& backup) override;
  Status Prune(uint32_t keep, const std::vector<std::filesystem::path>& protect) override;
  Result<std::filesystem::path> Latest(const std::string& upgrade_name) override;
  bool IsComplete(const std::filesystem::path& backup) override;
  Status DiscardPreCopy() override;
  /// Whether the data is still what `backup` holds (the node did not run since).
  Result<bool> HomeMatches(const std::filesystem::path& backup) override;
  std::vector<std::string> TakeNotes() override;

  /// Starts on data that is neither the pre-upgrade data nor what the started
  /// version made of it ("1.1.0 on half-restored"); empty when all were sound.
  std::vector<std::string> UnsoundStarts() const;
  bool NodeRuns() const;

  std::string data = kPreUpgradeData;
  /// What a version's first run makes of the pre-upgrade data (its migration).
  std::map<std::string, std::string> migrations = {{"1.2.0", "v2-migrated"}};
  std::vector<NodeStart> starts;
  std::vector<std::string> violations;                   ///< "restore while the node runs", ...
  std::map<std::filesystem::path, std::string> backups;  ///< what each backup holds
  std::function<void()> during_restore;                  ///< may throw, as a power cut
  Status fail_create;                                    ///< every Create fails with it
  Status fail_restore;  ///< every Restore fails with it, after writing half

 private:
  void OnStarted(const std::string& unit);

  FakeSystemdManager& systemd_;
  std::string unit_;
  std::function<std::string()> current_version_;
  int next_backup_ = 1;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_FAKE_HOST_H_
