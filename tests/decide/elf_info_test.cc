#include "agent/decide/elf_info.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "agent/decide/preflight.h"

namespace nymvisor {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fake node is a real dynamically linked executable built for this host.
std::string FakeNode() { return ReadAll(FAKE_NODE_PATH); }

TEST(ParseElf, ReadsMachineLoaderAndGlibcNeeds) {
  Result<ElfInfo> elf = ParseElf(FakeNode());
  ASSERT_TRUE(elf.ok()) << elf.status().message();
  EXPECT_EQ(elf->machine, 62) << "x86-64";
  EXPECT_EQ(elf->interpreter, "/lib64/ld-linux-x86-64.so.2");
  ASSERT_TRUE(elf->glibc_needed.has_value());
  EXPECT_GE(*elf->glibc_needed, (GlibcVersion{2, 2}));
  EXPECT_LE(*elf->glibc_needed, (GlibcVersion{2, 36})) << "built on this Debian 12 host";
}

TEST(ParseElf, RefusesWhatIsNotAnElfOrIsCut) {
  EXPECT_EQ(ParseElf("#!/bin/sh\necho hi\n").status().message(), "not an ELF executable");
  std::string elf = FakeNode();
  EXPECT_FALSE(ParseElf(elf.substr(0, 200)).ok()) << "truncated";
  std::string elf32 = elf;
  elf32[4] = 1;
  EXPECT_EQ(ParseElf(elf32).status().message(), "not a 64-bit little-endian ELF executable");
}

TEST(ParseElf, SeesAPatchedMachineAndGlibcNeed) {
  std::string elf = FakeNode();
  elf[18] = static_cast<char>(183);  // aarch64
  elf[19] = 0;
  size_t at = elf.find(std::string("GLIBC_2.") + "34");
  if (at == std::string::npos) at = elf.find("GLIBC_2.3");
  ASSERT_NE(at, std::string::npos);
  elf.replace(at, 10, "GLIBC_9.99");
  Result<ElfInfo> patched = ParseElf(elf);
  ASSERT_TRUE(patched.ok()) << patched.status().message();
  EXPECT_EQ(ElfMachineName(patched->machine), "aarch64");
  EXPECT_EQ(patched->glibc_needed, (GlibcVersion{9, 99}));
}

TEST(ScriptInterpreter, IsTheFirstWordAfterTheShebang) {
  EXPECT_EQ(ScriptInterpreter("#!/bin/sh\nid -u\n"), "/bin/sh");
  EXPECT_EQ(ScriptInterpreter("#! /usr/bin/env python3\n"), "/usr/bin/env");
  EXPECT_EQ(ScriptInterpreter("\x7f"
                              "ELF"),
            std::nullopt);
}

HostView Host() {
  HostView h;
  h.machine = 62;
  h.glibc = {2, 36};
  h.now = *ParseTimestamp("2026-06-01T00:00:00Z");
  return h;
}

TEST(DecidePreflight, NamesEachReason) {
  ElfInfo elf{62, "/lib64/ld-linux-x86-64.so.2", GlibcVersion{2, 34}};
  EXPECT_TRUE(DecidePreflight(elf, Host(), std::nullopt).ok());
  auto refusal = [&](ElfInfo e, HostView h, std::optional<Timestamp> published = std::nullopt) {
    return DecidePreflight(e, h, published).message();
  };
  ElfInfo arm = elf;
  arm.machine = 183;
  EXPECT_EQ(refusal(arm, Host()), "preflight: the binary is for aarch64, this machine is x86-64");
  HostView no_loader = Host();
  no_loader.interpreter_exists = false;
  EXPECT_NE(refusal(elf, no_loader).find("loader /lib64/ld-linux-x86-64.so.2 does not exist"),
            std::string::npos);
  HostView old = Host();
  old.glibc = {2, 31};  // Debian 11
  EXPECT_EQ(refusal(elf, old),
            "preflight: the binary needs glibc 2.34, this host has 2.31 (it was built for a "
            "newer distribution)");
  HostView noexec = Host();
  noexec.staging_noexec = true;
  EXPECT_NE(refusal(elf, noexec).find("mounted noexec"), std::string::npos);
  HostView full = Host();
  full.backup_free_bytes = 10 << 20;
  full.backup_needed_bytes = 30 << 20;
  EXPECT_NE(refusal(elf, full).find("the backup needs about 30 MiB but only 10 MiB are free"),
            std::string::npos);
  EXPECT_NE(refusal(elf, Host(), *ParseTimestamp("2026-07-01T00:00:00Z"))
                .find("earlier than the release's publish time"),
            std::string::npos);
  ElfInfo static_binary{62, "", std::nullopt};
  EXPECT_TRUE(DecidePreflight(static_binary, no_loader, std::nullopt).ok())
      << "a static binary needs no loader";
}

}  // namespace
}  // namespace nymvisor
