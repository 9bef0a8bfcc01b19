#include "agent/base/command_line.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using Words = std::vector<std::string>;

Words Split(std::string_view line) {
  Result<Words> words = SplitCommandLine(line);
  EXPECT_TRUE(words.ok()) << line << ": " << words.status().message();
  return words.value_or(Words{});
}

std::string SplitError(std::string_view line) {
  Result<Words> words = SplitCommandLine(line);
  EXPECT_FALSE(words.ok()) << line << " was accepted";
  return words.ok() ? "" : words.status().message();
}

TEST(SplitCommandLine, SplitsOnBlanksAndGroupsQuotesAsExecStartDoes) {
  EXPECT_EQ(Split("/usr/bin/check"), Words({"/usr/bin/check"}));
  EXPECT_EQ(Split("  /bin/echo  a\tb  "), Words({"/bin/echo", "a", "b"}));
  EXPECT_EQ(Split(R"(/bin/sh -c "exit 1")"), Words({"/bin/sh", "-c", "exit 1"}));
  EXPECT_EQ(Split(R"(/bin/echo 'it"s' "a'b")"), Words({"/bin/echo", "it\"s", "a'b"}));
  EXPECT_EQ(Split(R"(/bin/echo a"b c"d)"), Words({"/bin/echo", "ab cd"}));
  EXPECT_EQ(Split(R"(/bin/echo "")"), Words({"/bin/echo", ""}));
}

TEST(SplitCommandLine, UnderstandsCEscapes) {
  EXPECT_EQ(Split(R"(/bin/echo a\sb \t \x41 \\ \" \')"),
            Words({"/bin/echo", "a b", "\t", "A", "\\", "\"", "'"}));
  EXPECT_NE(SplitError(R"(/bin/echo \q)").find("unknown escape '\\q'"), std::string::npos);
  EXPECT_NE(SplitError(R"(/bin/echo \x4)").find("two hex digits"), std::string::npos);
  EXPECT_NE(SplitError("/bin/echo \\").find("lone backslash"), std::string::npos);
}

TEST(SplitCommandLine, NeverExpandsVariables) {
  EXPECT_EQ(Split("/bin/echo $$HOME"), Words({"/bin/echo", "$HOME"}));
  EXPECT_EQ(Split("/bin/echo '$HOME'"), Words({"/bin/echo", "$HOME"}))
      << "single quotes keep a '$' as it is";
  EXPECT_NE(SplitError("/bin/echo $HOME").find("variables are not expanded"), std::string::npos);
  EXPECT_NE(SplitError("/bin/echo \"${HOME}\"").find("'$$'"), std::string::npos);
}

TEST(SplitCommandLine, WantsAnAbsoluteProgramWithoutPrefixes) {
  EXPECT_NE(SplitError("").find("empty"), std::string::npos);
  EXPECT_NE(SplitError("   ").find("empty"), std::string::npos);
  EXPECT_NE(SplitError("curl -fsS http://127.0.0.1/").find("'curl' is not an absolute path"),
            std::string::npos);
  EXPECT_NE(SplitError("-/bin/true").find("prefix '-'"), std::string::npos);
  EXPECT_NE(SplitError("!/bin/true").find("prefix '!'"), std::string::npos);
  EXPECT_NE(SplitError("/bin/echo \"open").find("quote is not closed"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
