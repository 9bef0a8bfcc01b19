#include "agent/decide/elf_info.h"

#include <cstdio>
#include <cstring>

namespace nymvisor {
namespace {

constexpr uint32_t kPtInterp = 3;
constexpr uint32_t kShtGnuVerneed = 0x6ffffffe;

/// Little-endian reads that never run past the end.
class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  template <typename T>
  Result<T> At(uint64_t offset) const {
    if (offset > data_.size() || data_.size() - offset < sizeof(T)) {
      return Status::Error("the ELF file is truncated");
    }
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;  // the host is little-endian, as the files we accept
  }
  Result<std::string> String(uint64_t offset) const {
    if (offset >= data_.size()) return Status::Error("the ELF file is truncated");
    size_t end = data_.find('\0', offset);
    if (end == std::string_view::npos) return Status::Error("the ELF file is truncated");
    return std::string(data_.substr(offset, end - offset));
  }

 private:
  std::string_view data_;
};

std::optional<GlibcVersion> ParseGlibcName(std::string_view name) {
  constexpr std::string_view kPrefix = "GLIBC_";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  int major = 0, minor = 0;
  if (std::sscanf(std::string(name).c_str(), "%d.%d", &major, &minor) != 2) return std::nullopt;
  return GlibcVersion{major, minor};
}

Result<std::string> Interpreter(const Bytes& b) {
  NV_ASSIGN_OR_RETURN(uint64_t phoff, b.At<uint64_t>(32));
  NV_ASSIGN_OR_RETURN(uint16_t phentsize, b.At<uint16_t>(54));
  NV_ASSIGN_OR_RETURN(uint16_t phnum, b.At<uint16_t>(56));
  for (uint16_t i = 0; i < phnum; ++i) {
    uint64_t ph = phoff + uint64_t{i} * phentsize;
    NV_ASSIGN_OR_RETURN(uint32_t type, b.At<uint32_t>(ph));
    if (type != kPtInterp) continue;
    NV_ASSIGN_OR_RETURN(uint64_t offset, b.At<uint64_t>(ph + 8));
    return b.String(offset);
  }
  return std::string();
}

/// The highest GLIBC_ version named in the version-needs section.
Result<std::optional<GlibcVersion>> GlibcNeeded(const Bytes& b) {
  NV_ASSIGN_OR_RETURN(uint64_t shoff, b.At<uint64_t>(40));
  NV_ASSIGN_OR_RETURN(uint16_t shentsize, b.At<uint16_t>(58));
  NV_ASSIGN_OR_RETURN(uint16_t shnum, b.At<uint16_t>(60));
  std::optional<GlibcVersion> highest;
  for (uint16_t i = 0; i < shnum; ++i) {
    uint64_t sh = shoff + uint64_t{i} * shentsize;
    NV_ASSIGN_OR_RETURN(uint32_t type, b.At<uint32_t>(sh + 4));
    if (type != kShtGnuVerneed) continue;
    NV_ASSIGN_OR_RETURN(uint64_t offset, b.At<uint64_t>(sh + 24));
    NV_ASSIGN_OR_RETURN(uint32_t link, b.At<uint32_t>(sh + 40));
    NV_ASSIGN_OR_RETURN(uint64_t strtab, b.At<uint64_t>(shoff + uint64_t{link} * shentsize + 24));
    uint64_t need = offset;
    for (int guard = 0; guard < 1024; ++guard) {
      NV_ASSIGN_OR_RETURN(uint16_t count, b.At<uint16_t>(need + 2));
      NV_ASSIGN_OR_RETURN(uint32_t aux_offset, b.At<uint32_t>(need + 8));
      NV_ASSIGN_OR_RETURN(uint32_t next, b.At<uint32_t>(need + 12));
      uint64_t aux = need + aux_offset;
      for (uint16_t j = 0; j < count; ++j) {
        NV_ASSIGN_OR_RETURN(uint32_t name, b.At<uint32_t>(aux + 8));
        NV_ASSIGN_OR_RETURN(std::string text, b.String(strtab + name));
        std::optional<GlibcVersion> v = ParseGlibcName(text);
        if (v && (!highest || *v > *highest)) highest = v;
        NV_ASSIGN_OR_RETURN(uint32_t aux_next, b.At<uint32_t>(aux + 12));
        if (aux_next == 0) break;
        aux += aux_next;
      }
      if (next == 0) break;
      need += next;
    }
  }
  return highest;
}

}  // namespace

Result<ElfInfo> ParseElf(std::string_view bytes) {
  if (bytes.size() < 64 || bytes.substr(0, 4) !=
                               "\x7f"
                               "ELF") {
    return Status::Error("not an ELF executable");
  }
  if (bytes[4] != 2 || bytes[5] != 1) {
    return Status::Error("not a 64-bit little-endian ELF executable");
  }
  Bytes b(bytes);
  ElfInfo info;
  NV_ASSIGN_OR_RETURN(info.machine, b.At<uint16_t>(18));
  NV_ASSIGN_OR_RETURN(info.interpreter, Interpreter(b));
  NV_ASSIGN_OR_RETURN(info.glibc_needed, GlibcNeeded(b));
  return info;
}

std::optional<std::string> ScriptInterpreter(std::string_view bytes) {
  if (!bytes.starts_with("#!")) return std::nullopt;
  std::string_view line =
      bytes.substr(2, bytes.find('\n') == std::string_view::npos ? std::string_view::npos
                                                                 : bytes.find('\n') - 2);
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::string();
  size_t end = line.find_first_of(" \t\r", start);
  return std::string(line.substr(start, end == std::string_view::npos ? end : end - start));
}

std::string ElfMachineName(uint16_t machine) {
  switch (machine) {
    case 62:
      return "x86-64";
    case 183:
      return "aarch64";
    case 3:
      return "i386";
    case 40:
      return "arm";
    default:
      return "machine " + std::to_string(machine);
  }
}

std::string FormatGlibc(const GlibcVersion& v) {
  return std::to_string(v.first) + "." + std::to_string(v.second);
}

}  // namespace nymvisor
