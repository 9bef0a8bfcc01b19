#ifndef NYMVISOR_AGENT_PORTS_HOST_FACTS_H_
#define NYMVISOR_AGENT_PORTS_HOST_FACTS_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "agent/base/status.h"
#include "agent/decide/elf_info.h"

namespace nymvisor {

/// Free space and mount flags of a filesystem.
struct FilesystemFacts {
  bool noexec = false;
  uint64_t free_bytes = 0;
  uint64_t id = 0;  ///< the same for two paths on one filesystem
};

/// What the preflight checks ask of the host. Safe from any thread.
class HostFacts {
 public:
  virtual ~HostFacts() = default;
  virtual uint16_t Machine() = 0;    ///< the ELF machine this host runs
  virtual std::string BootId() = 0;  ///< this boot's id; "" when unknown
  virtual GlibcVersion Glibc() = 0;
  virtual bool Exists(const std::filesystem::path& path) = 0;
  virtual Result<FilesystemFacts> Filesystem(const std::filesystem::path& path) = 0;
  /// Bytes of the regular files under `dir`, without `skip` (the estimated
  /// backup of a node's home without nymvisor's own directory).
  virtual uint64_t TreeBytes(const std::filesystem::path& dir,
                             const std::filesystem::path& skip) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_HOST_FACTS_H_
