#include "agent/config/env_file.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

std::vector<EnvAssignment> Parse(std::string_view text,
                                 std::map<std::string, std::string> env = {}) {
  Result<std::vector<EnvAssignment>> r = ParseEnvFile(text, "f.env", EnvFromMap(env));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : std::vector<EnvAssignment>{};
}

TEST(ParseEnvFile, ReadsAssignmentsCommentsAndExport) {
  auto vars = Parse("# comment\n\nDAEMON_HOME=/var/lib/nym\nexport NYMVISOR_ID = mixnode\n");
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0], (EnvAssignment{"DAEMON_HOME", "/var/lib/nym"}));
  EXPECT_EQ(vars[1], (EnvAssignment{"NYMVISOR_ID", "mixnode"}));
}

TEST(ParseEnvFile, QuotesAndInlineComments) {
  auto vars =
      Parse("A='lit $X \\n'\nB=\"tab\\there $X\"\nC=plain value # comment\nD=\"\"\n", {{"X", "x"}});
  EXPECT_EQ(vars[0].second, "lit $X \\n");
  EXPECT_EQ(vars[1].second, "tab\there x");
  EXPECT_EQ(vars[2].second, "plain value");
  EXPECT_EQ(vars[3].second, "");
}

TEST(ParseEnvFile, SubstitutesEarlierAssignmentsBeforeTheEnvironment) {
  auto vars = Parse("BASE=/srv\nDAEMON_HOME=${BASE}/nym\nOTHER=$HOME/x\n", {{"HOME", "/root"}});
  EXPECT_EQ(vars[1].second, "/srv/nym");
  EXPECT_EQ(vars[2].second, "/root/x");
}

TEST(ParseEnvFile, AValueThatDoublesOnEveryLineIsRefusedNotExhaustingMemory) {
  std::string text = "A=xxxxxxxxxxxxxxxx\n";
  for (int i = 0; i < 40; ++i) text += "A=$A$A\n";
  Result<std::vector<EnvAssignment>> r = ParseEnvFile(text, "f.env", EnvFromMap({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("f.env:"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("grows past 64 KiB"), std::string::npos)
      << r.status().message();
}

TEST(ParseEnvFile, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : {Case{"A=1\nnot an assignment\n", "f.env:2: expected KEY=VALUE"},
                        Case{"A='open\n", "f.env:1: unterminated quoted value"},
                        Case{"1A=x\n", "f.env:1: invalid variable name '1A'"},
                        Case{"=x\n", "f.env:1: missing variable name"},
                        Case{"A=\"x\\q\"\n", "f.env:1: invalid escape"},
                        Case{"A=${B\n", "f.env:1: unterminated ${...}"}}) {
    Result<std::vector<EnvAssignment>> r = ParseEnvFile(c.text, "f.env", EnvFromMap({}));
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().message().rfind(c.expected, 0), 0u) << r.status().message();
  }
}

}  // namespace
}  // namespace nymvisor
