#include "agent/decide/preflight.h"

namespace nymvisor {
namespace {

std::string Mib(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

}  // namespace

Status DecidePreflight(const ElfInfo& elf, const HostView& host,
                       const std::optional<Timestamp>& published) {
  if (elf.machine != host.machine) {
    return Status::Error("preflight: the binary is for " + ElfMachineName(elf.machine) +
                         ", this machine is " + ElfMachineName(host.machine));
  }
  if (!elf.interpreter.empty() && !host.interpreter_exists) {
    return Status::Error("preflight: the binary's loader " + elf.interpreter +
                         " does not exist here");
  }
  if (elf.glibc_needed && *elf.glibc_needed > host.glibc) {
    return Status::Error("preflight: the binary needs glibc " + FormatGlibc(*elf.glibc_needed) +
                         ", this host has " + FormatGlibc(host.glibc) +
                         " (it was built for a newer distribution)");
  }
  if (host.staging_noexec) {
    return Status::Error(
        "preflight: the staging directory is on a filesystem mounted noexec; the binary could "
        "not run from it (remount without noexec, or move upgrade_data_directory)");
  }
  if (host.backup_needed_bytes > host.backup_free_bytes) {
    return Status::Error("preflight: the backup needs about " + Mib(host.backup_needed_bytes) +
                         " but only " + Mib(host.backup_free_bytes) +
                         " are free where it goes; free some space or move "
                         "backup_data_directory");
  }
  if (published && host.now < *published) {
    return Status::Error("preflight: this host's clock (" + FormatTimestamp(host.now) +
                         ") is earlier than the release's publish time (" +
                         FormatTimestamp(*published) + "); fix the clock (timedatectl)");
  }
  return {};
}

Status DecideDownloadRoom(const DownloadRoom& room) {
  uint64_t backup = room.backup_on_staging_filesystem ? room.backup_bytes : 0;
  uint64_t needed = room.download_bytes + backup;
  if (needed <= room.staging_free) return {};
  return Status::Error("preflight: the download needs " + Mib(room.download_bytes) +
                       (backup > 0 ? " and the backup about " + Mib(backup) : "") + " but only " +
                       Mib(room.staging_free) +
                       " are free for upgrade_data_directory; free some space or move it");
}

}  // namespace nymvisor
