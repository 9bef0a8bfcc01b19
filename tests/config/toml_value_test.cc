#include "agent/config/toml_value.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

std::string Str(std::string_view text) { return std::get<std::string>(*ParseTomlValue(text)); }

TEST(ParseTomlValue, LiteralStringsHaveNoEscapes) {
  EXPECT_EQ(Str("'C:\\path\\n'"), "C:\\path\\n");
  EXPECT_EQ(Str("''"), "");
  EXPECT_EQ(Str("  'a b'  # trailing comment"), "a b");
}

TEST(ParseTomlValue, BasicStringsDecodeEscapes) {
  EXPECT_EQ(Str(R"("a\tb\n\"q\"\\")"), "a\tb\n\"q\"\\");
  EXPECT_EQ(Str(R"("caf\u00e9")"), "caf\xc3\xa9");
  EXPECT_EQ(Str(R"("\U0001F600")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(Str(R"("it's")"), "it's");
  EXPECT_EQ(Str(R"("a # not a comment")"), "a # not a comment");
}

TEST(ParseTomlValue, BoolsIntegersAndArrays) {
  EXPECT_EQ(std::get<bool>(*ParseTomlValue("true")), true);
  EXPECT_EQ(std::get<bool>(*ParseTomlValue("false # no")), false);
  EXPECT_EQ(std::get<int64_t>(*ParseTomlValue("10")), 10);
  EXPECT_EQ(std::get<int64_t>(*ParseTomlValue("-3")), -3);
  EXPECT_EQ(std::get<int64_t>(*ParseTomlValue("1_000")), 1000);
  auto list = std::get<std::vector<std::string>>(*ParseTomlValue(R"(['run', "--id", 'x',])"));
  EXPECT_EQ(list, (std::vector<std::string>{"run", "--id", "x"}));
  EXPECT_TRUE(std::get<std::vector<std::string>>(*ParseTomlValue("[]")).empty());
}

TEST(ParseTomlValue, RejectsWhatItDoesNotSupportWithAReason) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c :
       {Case{"'open", "unterminated"}, Case{R"("open)", "unterminated"},
        Case{R"("\q")", "invalid escape"}, Case{R"("\uZZZZ")", "\\u escape"},
        Case{"'''multi'''", "multi-line"}, Case{"bare", "unsupported value"},
        Case{"'a' 'b'", "unexpected text"}, Case{"1__0", "'_'"}, Case{"10_", "not a decimal"},
        Case{"['a' 'b']", "expected ','"}, Case{"[1, 2]", "array element 1"},
        Case{"", "missing value"}, Case{"99999999999999999999", "not a decimal"},
        Case{"truex", "unexpected"}}) {
    Result<TomlValue> v = ParseTomlValue(c.text);
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_NE(v.status().message().find(c.why), std::string::npos)
        << c.text << " -> " << v.status().message();
  }
}

TEST(TomlQuote, PrefersLiteralAndRoundTrips) {
  EXPECT_EQ(TomlQuote("/var/lib/nym"), "'/var/lib/nym'");
  EXPECT_EQ(TomlQuote("it's"), R"("it's")");
  for (std::string s : {"plain", "it's", "tab\there", "quote\"back\\slash", "new\nline", ""}) {
    EXPECT_EQ(Str(TomlQuote(s)), s);
  }
}

TEST(TomlStringArray, RoundTrips) {
  std::vector<std::string> items = {"run", "--id", "it's", ""};
  EXPECT_EQ(std::get<std::vector<std::string>>(*ParseTomlValue(TomlStringArray(items))), items);
}

}  // namespace
}  // namespace nymvisor
