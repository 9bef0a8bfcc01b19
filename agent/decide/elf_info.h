#ifndef NYMVISOR_AGENT_DECIDE_ELF_INFO_H_
#define NYMVISOR_AGENT_DECIDE_ELF_INFO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "agent/base/status.h"

namespace nymvisor {

/// A glibc symbol version, e.g. {2, 34} for GLIBC_2.34.
using GlibcVersion = std::pair<int, int>;

/// What a binary needs from the host, read from its ELF headers. Plain value.
struct ElfInfo {
  uint16_t machine = 0;                      ///< e_machine (62 x86-64, 183 aarch64)
  std::string interpreter;                   ///< PT_INTERP, the dynamic loader; empty: static
  std::optional<GlibcVersion> glibc_needed;  ///< the highest GLIBC_x.y it references
};

/// Parses a 64-bit little-endian ELF file's bytes: its machine, its loader
/// and its glibc version needs (.gnu.version_r). Not an ELF, or a truncated
/// one, is an error that says so.
Result<ElfInfo> ParseElf(std::string_view bytes);

/// The interpreter of a "#!" script (its first word), or nullopt when the
/// bytes are not a script.
std::optional<std::string> ScriptInterpreter(std::string_view bytes);

/// "x86-64", "aarch64", else "machine N".
std::string ElfMachineName(uint16_t machine);

/// "2.34".
std::string FormatGlibc(const GlibcVersion& v);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_ELF_INFO_H_
