#include "agent/cli/add_upgrade_command.h"

#include "agent/base/semver.h"
#include "agent/records/layout.h"
#include "agent/records/upgrade_name.h"
#include "agent/shell/build_info_probe.h"
#include "agent/shell/record_store.h"
#include "agent/shell/upgrade_records.h"

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

Result<UpgradeInfo> AttachBinary(const AddUpgradeFlags& flags, const BuildInfo& build,
                                 RecordStore& store, FileSystem& files) {
  Result<UpgradeInfo> info = store.LoadUpgradeInfo(flags.upgrade_name);
  if (info.status().IsNotFound()) {
    return Status::Error("upgrade '" + flags.upgrade_name +
                         "' has no upgrade-info.json yet; run add-upgrade without --add-binary");
  }
  if (!info.ok()) return info.status();
  NV_RETURN_IF_ERROR(CheckBinaryMatchesRecord(*info, build));
  NV_RETURN_IF_ERROR(
      CopyBinary(flags.daemon_binary, store.layout().UpgradeBinary(flags.upgrade_name), files));
  return *info;
}

Result<UpgradeInfo> QueueUpgrade(const AddUpgradeFlags& flags, const BuildInfo& build,
                                 RecordStore& store, const AddUpgradeDeps& deps) {
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
  NV_RETURN_IF_ERROR(store.SavePlan(plan));
  return record;
}

/// Replacing the running upgrade or the one being applied would swap a binary
/// under the node; an older or equal version would be a downgrade; another
/// daemon's binary would not run this node.
Status CheckAgainstInstance(const AddUpgradeFlags& flags, const BuildInfo& build,
                            const Config& config, RecordStore& store, FileSystem& files) {
  if (!build.binary_name.empty() && build.binary_name != config.daemon.name) {
    return Status::Error("the binary is " + build.binary_name + ", but this instance runs " +
                         config.daemon.name);
  }
  NV_ASSIGN_OR_RETURN(UpgradePlan plan, store.LoadPlan());
  if (flags.upgrade_name == plan.current.name) {
    return Status::Error("upgrade '" + flags.upgrade_name +
                         "' is the version running now; give the new binary another name");
  }
  NV_ASSIGN_OR_RETURN(std::optional<UpgradeState> state,
                      UpgradeRecords(files, store.layout()).LoadState());
  if (state && state->target.name == flags.upgrade_name) {
    return Status::Error("upgrade '" + flags.upgrade_name + "' is being applied now");
  }
  Result<SemanticVersion> offered = ParseSemanticVersion(build.build_version);
  Result<SemanticVersion> running = ParseSemanticVersion(plan.current.version);
  if (offered.ok() && running.ok() && CompareVersions(*offered, *running) <= 0) {
    return Status::Error("the binary's version " + build.build_version +
                         " is not newer than the running " + plan.current.version +
                         "; nymvisor does not downgrade");
  }
  return {};
}

}  // namespace

Result<UpgradeInfo> RunAddUpgrade(const AddUpgradeFlags& flags, const Config& config,
                                  const AddUpgradeDeps& deps) {
  NV_RETURN_IF_ERROR(ValidateUpgradeName(flags.upgrade_name));
  if (flags.upgrade_name == "genesis") {
    return Status::Error("the upgrade name 'genesis' is reserved for the initial binary");
  }
  NV_RETURN_IF_ERROR(VerifyBinary(flags.daemon_binary, deps));
  NV_ASSIGN_OR_RETURN(BuildInfo build, ProbeBuildInfo(deps.processes, flags.daemon_binary,
                                                      flags.build_info_timeout));
  RecordStore store(deps.files, MakeLayout(config));
  NV_RETURN_IF_ERROR(CheckAgainstInstance(flags, build, config, store, deps.files));
  if (Exists(deps.files, store.layout().UpgradeBinary(flags.upgrade_name)) && !flags.force) {
    return Status::Error("upgrade '" + flags.upgrade_name + "' already has a binary at " +
                         store.layout().UpgradeBinary(flags.upgrade_name).string() +
                         " (use --force to replace it)");
  }
  if (flags.add_binary) return AttachBinary(flags, build, store, deps.files);
  return QueueUpgrade(flags, build, store, deps);
}

}  // namespace nymvisor
