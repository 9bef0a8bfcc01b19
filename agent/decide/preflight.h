#ifndef NYMVISOR_AGENT_DECIDE_PREFLIGHT_H_
#define NYMVISOR_AGENT_DECIDE_PREFLIGHT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"
#include "agent/decide/elf_info.h"

namespace nymvisor {

/// What the host offers a staged binary, as gathered by the shell. Plain value.
struct HostView {
  uint16_t machine = 0;                     ///< the host's ELF machine
  bool interpreter_exists = true;           ///< the binary's loader is present here
  GlibcVersion glibc{0, 0};                 ///< the host's glibc
  bool staging_noexec = false;              ///< the staging directory's filesystem is noexec
  uint64_t backup_free_bytes = UINT64_MAX;  ///< free space where the backup goes
  uint64_t backup_needed_bytes = 0;         ///< the estimated backup (the node's data)
  Timestamp now;
};

/// Whether a staged binary can run here and be applied safely; the error
/// names the first check that fails and what to do: an ELF for this machine,
/// its loader present, the glibc versions it needs provided, a staging
/// directory that may execute, room for the backup, and a clock that is not
/// earlier than the release's publish time (`published`).
Status DecidePreflight(const ElfInfo& elf, const HostView& host,
                       const std::optional<Timestamp>& published);

/// Room for a download about to start, and for the backup after it when
/// both go to one filesystem.
struct DownloadRoom {
  uint64_t download_bytes = 0;  ///< what is left to download
  uint64_t staging_free = UINT64_MAX;
  uint64_t backup_bytes = 0;  ///< the estimated backup
  bool backup_on_staging_filesystem = false;
};

/// Whether the download (plus the backup, on the same filesystem) fits in
/// the free space of the staging directory; the error says what to free or
/// move. Pure.
Status DecideDownloadRoom(const DownloadRoom& room);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_PREFLIGHT_H_
