#include "agent/decide/rollback_plan.h"

#include <algorithm>
#include <set>

namespace nymvisor {
namespace {

constexpr char kGenesis[] = "genesis";

/// The index of the running upgrade's last completion, or the end.
size_t EndOfCurrent(const UpgradeHistory& history, const std::string& current) {
  for (size_t i = history.history.size(); i > 0; --i) {
    const HistoryEntry& e = history.history[i - 1];
    if (e.info.name == current && e.outcome == UpgradeOutcome::kCompleted) return i - 1;
  }
  return history.history.size();
}

/// The upgrade that replaced the next version found, walking back.
struct Replacer {
  std::string name;
  std::optional<Timestamp> at;
  std::optional<std::string> backup;
};

RollbackOption OptionFor(const std::string& name, const Replacer& by,
                         const std::vector<std::string>& undone) {
  RollbackOption option;
  option.name = name;
  option.left_at = by.at;
  option.replaced_by = by.name;
  option.restore_backup = by.backup;
  option.undone = undone;
  return option;
}

std::string DescribeOptions(const std::vector<RollbackOption>& options) {
  std::string text;
  for (const RollbackOption& o : options) {
    text += (text.empty() ? "" : ", ") + o.name + (o.info ? " (" + o.info->version + ")" : "");
  }
  return text;
}

}  // namespace

std::vector<RollbackOption> ListRollbackOptions(const UpgradePlan& plan,
                                                const UpgradeHistory& history) {
  const std::string& current = plan.current.name;
  std::vector<RollbackOption> options;
  if (current == kGenesis) return options;
  size_t end = EndOfCurrent(history, current);
  Replacer by{current, std::nullopt, std::nullopt};
  if (end < history.history.size()) {
    by.at = history.history[end].performed_at;
    by.backup = history.history[end].backup;
  }
  std::vector<std::string> undone{current};
  std::set<std::string> seen{current};
  std::set<std::string> reverted;  // undone later: not a version to go back to
  for (size_t i = end; i > 0; --i) {
    const HistoryEntry& e = history.history[i - 1];
    if (e.outcome == UpgradeOutcome::kReverted) reverted.insert(e.info.name);
    if (e.outcome != UpgradeOutcome::kCompleted || seen.count(e.info.name) ||
        reverted.count(e.info.name)) {
      continue;
    }
    RollbackOption option = OptionFor(e.info.name, by, undone);
    if (e.info.name != kGenesis) option.info = e.info;
    option.own_backup = e.backup;
    options.push_back(std::move(option));
    if (e.info.name == kGenesis) return options;  // nothing ran before genesis
    seen.insert(e.info.name);
    undone.push_back(e.info.name);
    by = {e.info.name, e.performed_at, e.backup};
  }
  options.push_back(OptionFor(kGenesis, by, undone));
  return options;
}

Result<RollbackTarget> FindRollbackTarget(const UpgradePlan& plan, const UpgradeHistory& history,
                                          const std::string& to) {
  const std::string& current = plan.current.name;
  if (current == kGenesis) {
    return Status::Refused("NoPreviousVersion", "the node runs its genesis version " +
                                                    plan.current.version +
                                                    ": there is no earlier version to go back to");
  }
  std::vector<RollbackOption> options = ListRollbackOptions(plan, history);
  auto chosen = to.empty() ? options.begin()
                           : std::find_if(options.begin(), options.end(),
                                          [&](const RollbackOption& o) { return o.name == to; });
  if (chosen == options.end()) {
    std::string why = to == current ? "the node runs it now"
                                    : "it is not a version this node ran before " + current +
                                          " (or a rollback undid it since)";
    return Status::Refused("UnknownRollbackTarget",
                           "cannot roll back to '" + to + "': " + why + ". It can return to: " +
                               DescribeOptions(options) + " ('nymvisor rollback --list')");
  }
  RollbackTarget target{plan.current, chosen->name, chosen->info};
  target.from_backup = chosen->restore_backup;
  target.to_backup = chosen->own_backup;
  target.backup_of = chosen->replaced_by;
  target.undone = chosen->undone;
  return target;
}

RollbackBackups BackupsForRollbacks(const std::vector<RollbackOption>& options, size_t versions) {
  RollbackBackups backups;
  for (size_t i = 0; i < std::min(versions, options.size()); ++i) {
    const std::optional<std::string>& path = options[i].restore_backup;
    if (!path) {
      backups.complete = false;
    } else if (!path->empty() && std::find(backups.paths.begin(), backups.paths.end(), *path) ==
                                     backups.paths.end()) {
      backups.paths.push_back(*path);
    }
  }
  return backups;
}

}  // namespace nymvisor
