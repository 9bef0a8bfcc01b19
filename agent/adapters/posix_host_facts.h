#ifndef NYMVISOR_AGENT_ADAPTERS_POSIX_HOST_FACTS_H_
#define NYMVISOR_AGENT_ADAPTERS_POSIX_HOST_FACTS_H_

#include "agent/ports/host_facts.h"

namespace nymvisor {

/// uname, gnu_get_libc_version, statvfs and a directory walk.
class PosixHostFacts : public HostFacts {
 public:
  uint16_t Machine() override;
  std::string BootId() override;
  GlibcVersion Glibc() override;
  bool Exists(const std::filesystem::path& path) override;
  Result<FilesystemFacts> Filesystem(const std::filesystem::path& path) override;
  uint64_t TreeBytes(const std::filesystem::path& dir, const std::filesystem::path& skip) override;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_POSIX_HOST_FACTS_H_
