#include "agent/cli/rollback_list_command.h"

#include <nlohmann/json.hpp>

#include "agent/shell/record_store.h"

namespace nymvisor {
namespace {

constexpr int kMaxDepth = 64;  // deeper trees are not a node's data

/// The bytes of the regular files under `dir`, symlinks not followed.
uint64_t TreeBytes(FileSystem& files, const std::filesystem::path& dir, int depth = 0) {
  Result<std::vector<std::string>> names = files.ListDirectory(dir);
  if (!names.ok() || depth > kMaxDepth) return 0;
  uint64_t total = 0;
  for (const std::string& name : *names) {
    Result<FileInfo> info = files.Stat(dir / name);
    if (!info.ok()) continue;
    if (info->type == FileInfo::Type::kDirectory) total += TreeBytes(files, dir / name, depth + 1);
    if (info->type == FileInfo::Type::kRegular) total += info->size;
  }
  return total;
}

std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

std::string DescribeBackup(const RollbackListRow& row) {
  if (row.no_backup) return "none: taken without a backup (the data stays as it is)";
  if (!row.backup) return "unknown (history from an older release)";
  if (row.backup_gone) return "gone (pruned; cannot return)";
  return row.backup_bytes ? FormatBytes(*row.backup_bytes) : "?";
}

std::string Column(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text + " ";
}

RollbackListRow MakeRow(const RollbackOption& option, RecordStore& store, FileSystem& files) {
  RollbackListRow row{option.name, "", option.left_at};
  if (option.info) {
    row.version = option.info->version;
  } else if (Result<UpgradeInfo> info = store.LoadUpgradeInfo(option.name); info.ok()) {
    row.version = info->version;
  }
  if (option.restore_backup && option.restore_backup->empty()) {
    row.no_backup = true;
  } else if (option.restore_backup) {
    row.backup = option.restore_backup;
    row.backup_gone = !Exists(files, *row.backup);
    if (!row.backup_gone) row.backup_bytes = TreeBytes(files, *row.backup);
  }
  return row;
}

/// The node's --config-file when it lies outside the home: a rollback does
/// not restore it.
std::optional<std::string> ConfigOutsideHome(const Config& config) {
  const std::vector<std::string>& args = config.daemon.args;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string path;
    if (args[i] == "--config-file" && i + 1 < args.size()) path = args[i + 1];
    if (args[i].starts_with("--config-file=")) path = args[i].substr(14);
    if (path.empty()) continue;
    std::filesystem::path p = std::filesystem::path(path).lexically_normal();
    std::filesystem::path rel = p.lexically_relative(config.daemon.home);
    if (p.is_absolute() && (rel.empty() || *rel.begin() == "..")) return path;
  }
  return std::nullopt;
}

}  // namespace

Json RollbackListToJson(const std::vector<RollbackListRow>& rows) {
  Json list = Json::array();
  for (const RollbackListRow& row : rows) {
    Json j = Json::object();
    j["name"] = row.name;
    j["version"] = row.version;
    j["leftAt"] = row.left_at ? Json(FormatTimestamp(*row.left_at)) : Json(nullptr);
    j["backup"] = row.backup ? Json(*row.backup) : Json(nullptr);
    j["backupBytes"] = row.backup_bytes ? Json(*row.backup_bytes) : Json(nullptr);
    j["restorable"] = row.no_backup ? Json(false)
                      : row.backup  ? Json(!row.backup_gone)
                                    : Json(nullptr);
    list.push_back(std::move(j));
  }
  return list;
}

std::string RenderRollbackList(const std::vector<RollbackListRow>& rows,
                               const std::string& running) {
  if (rows.empty()) {
    return "the node runs " + running + ": there is no earlier version to go back to\n";
  }
  std::string out = "running " + running + "; it can return to, newest first:\n" +
                    "NAME                 VERSION     LEFT                  BACKUP\n";
  for (const RollbackListRow& row : rows) {
    std::string left = "unknown";
    if (row.left_at) {
      std::string full = FormatTimestamp(std::chrono::floor<std::chrono::seconds>(*row.left_at));
      left = full.substr(0, 10) + " " + full.substr(11, 5) + " UTC";
    }
    out += Column(row.name, 20) + Column(row.version.empty() ? "?" : row.version, 11) +
           Column(left, 21) + DescribeBackup(row) + "\n";
  }
  return out + "'nymvisor rollback --to NAME' returns to one, with its binary and data\n";
}

Status RunRollbackList(const Invocation& inv, const Config& config) {
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(inv, config, /*writes=*/false));
  RecordStore store(inv.ctx.files, MakeLayout(config));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store.LoadPlan());
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, store.LoadHistory());
  std::vector<RollbackListRow> rows;
  for (const RollbackOption& option : ListRollbackOptions(plan, history)) {
    rows.push_back(MakeRow(option, store, inv.ctx.files));
  }
  if (std::optional<std::string> outside = ConfigOutsideHome(config)) {
    inv.ctx.err << "warning: the node's --config-file " << *outside << " is outside DAEMON_HOME ("
                << config.daemon.home
                << "): backups do not cover it, so a rollback leaves it as it is\n";
  }
  if (inv.Json()) {
    inv.ctx.out << DumpJsonCompact(RollbackListToJson(rows)) << "\n";
    return {};
  }
  inv.ctx.out << RenderRollbackList(rows, plan.current.name + " (" + plan.current.version + ")");
  return {};
}

}  // namespace nymvisor
