#include "agent/add_upgrade_command.h"

#include "agent/build_info_probe.h"
#include "agent/layout.h"
#include "agent/record_store.h"
#include "agent/upgrade_name.h"

namespace nymvisor {
namespace {

constexpr Duration kLockTimeout = std::chrono::seconds(10);

/// Must be an existing regular file; with no execute bit at all, a+x is added
/// to the source file (as the original does), with a warning.
Status VerifyBinary(const std::string& path, const AddUpgradeDeps& deps) {
  Result<FileInfo> info = deps.files.Stat(path, /*follow_symlinks=*/true);
  if (!info.ok()) return info.status().WithContext("daemon binary");
  if (info->type != FileInfo::Type::kRegular) {
    return Status::Error("daemon binary " + path + " is not a regular file");
  }
  if ((info->mode & 0111) == 0) {
    deps.warnings << "warning: " << path << " was not executable; adding a+x\n";
    NV_RETURN_IF_ERROR(deps.files.SetMode(path, info->mode | 0111));
  }
  return {};
}

Timestamp UpgradeTime(const AddUpgradeFlags& flags, Timestamp now) {
  if (flags.upgrade_time) return *flags.upgrade_time;
  if (flags.upgrade_delay) return now + *flags.upgrade_delay;
  if (flags.now) return now;
  return now + kDefaultUpgradeDelay;
}

UpgradeInfo MakeRecord(const AddUpgradeFlags& flags, const BuildInfo& build, Timestamp now) {
  UpgradeInfo info;
  info.manual = false;
  info.name = flags.upgrade_name;
  info.notes = "manually added via 'add-upgrade' command";
  info.publish_date = flags.publish_date.value_or(now);
  info.version = build.build_version;
  info.upgrade_time = UpgradeTime(flags, now);
  info.binary_details = build;
  return info;
}

Status CopyBinary(const std::string& from, const std::filesystem::path& to, FileSystem& files) {
  NV_RETURN_IF_ERROR(files.CreateDirectories(to.parent_path(), 0755));
  NV_RETURN_IF_ERROR(files.CopyFile(from, to));
  NV_ASSIGN_OR_RETURN(FileInfo info, files.Stat(to));
  return files.SetMode(to, info.mode | 0555);
}

Status AttachBinary(const AddUpgradeFlags& flags, const BuildInfo& build, RecordStore& store,
                    FileSystem& files) {
  Result<UpgradeInfo> info = store.LoadUpgradeInfo(flags.upgrade_name);
  if (info.status().IsNotFound()) {
    return Status::Error("upgrade '" + flags.upgrade_name +
                         "' has no upgrade-info.json yet; run add-upgrade without --add-binary");
  }
  if (!info.ok()) return info.status();
  NV_RETURN_IF_ERROR(CheckBinaryMatchesRecord(*info, build));
  return CopyBinary(flags.daemon_binary, store.layout().UpgradeBinary(flags.upgrade_name), files);
}

Status QueueUpgrade(const AddUpgradeFlags& flags, const BuildInfo& build, RecordStore& store,
                    const AddUpgradeDeps& deps) {
  const Layout& layout = store.layout();
  if (Exists(deps.files, layout.UpgradeInfoFile(flags.upgrade_name)) && !flags.force) {
    return Status::Error("upgrade '" + flags.upgrade_name +
                         "' already has an upgrade-info.json (use --force to replace it)");
  }
  NV_ASSIGN_OR_RETURN(auto lock, deps.files.LockExclusive(layout.LockFile(), kLockTimeout));
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store.LoadPlan());
  if (FindQueuedByName(plan, flags.upgrade_name) != nullptr) {
    if (!flags.force) {
      return Status::Error("upgrade '" + flags.upgrade_name +
                           "' is already queued (use --force to replace it)");
    }
    RemoveQueued(&plan, flags.upgrade_name);
  }
  UpgradeInfo record = MakeRecord(flags, build, deps.clock.Now());
  NV_RETURN_IF_ERROR(
      CopyBinary(flags.daemon_binary, layout.UpgradeBinary(record.name), deps.files));
  NV_RETURN_IF_ERROR(store.SaveUpgradeInfo(record));
  InsertQueued(&plan, record);
  return store.SavePlan(plan);
}

}  // namespace

Status RunAddUpgrade(const AddUpgradeFlags& flags, const Config& config,
                     const AddUpgradeDeps& deps) {
  NV_RETURN_IF_ERROR(ValidateUpgradeName(flags.upgrade_name));
  if (flags.upgrade_name == "genesis") {
    return Status::Error("the upgrade name 'genesis' is reserved for the initial binary");
  }
  NV_RETURN_IF_ERROR(VerifyBinary(flags.daemon_binary, deps));
  NV_ASSIGN_OR_RETURN(BuildInfo build,
                      ProbeBuildInfo(deps.runner, flags.daemon_binary, flags.build_info_timeout));
  RecordStore store(deps.files, MakeLayout(config));
  if (Exists(deps.files, store.layout().UpgradeBinary(flags.upgrade_name)) && !flags.force) {
    return Status::Error("upgrade '" + flags.upgrade_name + "' already has a binary at " +
                         store.layout().UpgradeBinary(flags.upgrade_name).string() +
                         " (use --force to replace it)");
  }
  if (flags.add_binary) return AttachBinary(flags, build, store, deps.files);
  return QueueUpgrade(flags, build, store, deps);
}

}  // namespace nymvisor
