#include "agent/config/config_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/config_builders.h"

namespace nymvisor {
namespace {

/// A golden file under tests/config/golden; a missing or different one
/// fails the test, which writes what it got next to the build for review.
std::string Golden(const std::string& name, const std::string& actual) {
  std::ifstream in(std::string(SOURCE_DIR) + "/tests/config/golden/" + name);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str() != actual) std::ofstream("golden-" + name) << actual;
  return text.str();
}

constexpr char kMinimal[] = "[daemon]\nname = 'nym-node'\nhome = '/var/lib/nym'\n";

TEST(ParseConfigToml, MissingOptionalKeysTakeDefaults) {
  Result<ParsedConfig> parsed = ParseConfigToml(kMinimal, "x.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  Config expected = testing::NodeConfig("/var/lib/nym");
  EXPECT_EQ(parsed->config, expected);
}

TEST(ParseConfigToml, TheOlderNameOfMinReleaseAgeIsReadAndWrittenAsTheNewOne) {
  std::string text = std::string("[nymvisor]\ngithub_upgrade_delay = '2h'\n") + kMinimal;
  Result<ParsedConfig> parsed = ParseConfigToml(text, "x.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->config.nymvisor.min_release_age, std::chrono::hours(2));
  std::string written = RenderConfigToml(parsed->config);
  EXPECT_NE(written.find("min_release_age = '2h'"), std::string::npos);
  EXPECT_EQ(written.find("github_upgrade_delay"), std::string::npos);
  std::string both =
      std::string("[nymvisor]\ngithub_upgrade_delay = '2h'\nmin_release_age = '1h'\n") + kMinimal;
  Result<ParsedConfig> refused = ParseConfigToml(both, "x.toml");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("github_upgrade_delay"), std::string::npos)
      << refused.status().message();
}

TEST(ParseConfigToml, UpgradeWindowsAreAListThatRoundTrips) {
  std::string text =
      std::string("[nymvisor]\nupgrade_windows = ['Mon..Fri 02:00-04:00', 'Sat 22:00-02:00']\n") +
      kMinimal;
  Result<ParsedConfig> parsed = ParseConfigToml(text, "x.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->config.nymvisor.upgrade_windows.size(), 2u);
  Result<ParsedConfig> again = ParseConfigToml(RenderConfigToml(parsed->config), "y.toml");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->config, parsed->config);
}

TEST(ParseConfigToml, ATableDefinedTwiceIsAnError) {
  Result<ParsedConfig> parsed = ParseConfigToml(
      "[nymvisor]\nid = 'a'\n[daemon]\nname = 'nym-node'\n[nymvisor]\nupstream_polling_rate = "
      "'1h'\n[daemon]\nhome = '/h'\n",
      "x.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "x.toml:6: table [nymvisor] is defined twice");
}

TEST(ParseConfigToml, RemembersTheLineOfEachKey) {
  Result<ParsedConfig> parsed = ParseConfigToml(kMinimal, "x.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->key_lines.at("daemon.name"), 2);
  EXPECT_EQ(parsed->key_lines.at("daemon.home"), 3);
}

TEST(ParseConfigToml, NameAndHomeAreRequired) {
  Result<ParsedConfig> parsed = ParseConfigToml("[daemon]\nname = 'x'\n", "x.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "x.toml: missing required key 'daemon.home'");
}

TEST(ParseConfigToml, InvalidValuesNameFileLineAndKey) {
  struct Case {
    std::string line;
    std::string expected;
  };
  for (const Case& c :
       {Case{"max_startup_failures = 'ten'",
             "x.toml:4: daemon.max_startup_failures: expected an integer, got string"},
        Case{"max_startup_failures = -1", "x.toml:4: daemon.max_startup_failures: must be between"},
        Case{"restart_on_failure = 'yes'",
             "x.toml:4: daemon.restart_on_failure: expected true or false"},
        Case{"failure_restart_delay = '10'",
             "x.toml:4: daemon.failure_restart_delay: invalid duration '10'"},
        Case{"absolute_upstream_upgrade_url = 'not a url'",
             "x.toml:4: daemon.absolute_upstream_upgrade_url: invalid URL"},
        Case{"args = 'run'", "x.toml:4: daemon.args: expected an array of strings"},
        Case{"home = '/again'", "x.toml:4: daemon.home: duplicate key"},
        Case{"user = 'unterminated", "x.toml:4: daemon.user: unterminated"}}) {
    Result<ParsedConfig> parsed = ParseConfigToml(kMinimal + c.line + "\n", "x.toml");
    ASSERT_FALSE(parsed.ok()) << c.line;
    EXPECT_EQ(parsed.status().message().rfind(c.expected, 0), 0u)
        << c.line << " -> " << parsed.status().message();
  }
}

TEST(ParseConfigToml, SyntaxErrorsGiveTheLine) {
  Result<ParsedConfig> parsed = ParseConfigToml("[daemon]\nname = 'x'\nthis is not toml\n", "f");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("f:3: syntax error", 0), 0u)
      << parsed.status().message();
}

TEST(ParseConfigToml, UnknownKeysAndTablesWarn) {
  std::string text = std::string(kMinimal) + "colour = 'blue'\n[extras]\nx = 1\n";
  Result<ParsedConfig> parsed = ParseConfigToml(text, "f");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_EQ(parsed->warnings[0], "f:4: unknown key 'daemon.colour' (ignored)");
  EXPECT_EQ(parsed->warnings[1], "f:6: unknown key 'extras.x' (ignored)");
}

TEST(ParseConfigToml, HandlesLongLinesCommentsAndCrlf) {
  std::string long_arg(5000, 'x');
  std::string text =
      "# comment\r\n[daemon] # table comment\r\nname = 'n' # why\r\n"
      "home = \"/h\"\r\nargs = ['" +
      long_arg + "', 'b']\r\n";
  Result<ParsedConfig> parsed = ParseConfigToml(text, "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->config.daemon.args, (std::vector<std::string>{long_arg, "b"}));
}

TEST(RenderConfigToml, RoundTripsEveryKey) {
  Config c = testing::NodeConfig("/var/lib/nym/it's here", "mixnode");
  c.nymvisor.upstream_polling_rate = std::chrono::minutes(90);
  c.nymvisor.disable_logs = true;
  c.daemon.absolute_upstream_upgrade_url = "https://127.0.0.1:8443/info.json?a=1&b=2";
  c.daemon.max_startup_failures = 4;
  c.daemon.unit = "nym-node.service";
  c.daemon.args = {"run", "--id", "mixnode", "--with \"quotes\""};
  c.daemon.user = "nym";
  c.daemon.backups_to_keep = 5;
  c.daemon.health_check_period = std::chrono::seconds(45);
  std::string text = RenderConfigToml(c);
  Result<ParsedConfig> parsed = ParseConfigToml(text, "rendered");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << text;
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(parsed->config, c);
}

TEST(RenderConfigToml, ACountPastTomlsIntegersIsWrittenAsTheLargestOne) {
  Config c = testing::NodeConfig("/h");
  c.daemon.max_startup_failures = 4294967296u;  // above 2^32: kept
  Result<ParsedConfig> parsed = ParseConfigToml(RenderConfigToml(c), "rendered");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->config.daemon.max_startup_failures, 4294967296u);
  c.daemon.max_startup_failures = UINT64_MAX;  // DAEMON_MAX_STARTUP_FAILURES takes it
  std::string text = RenderConfigToml(c);
  EXPECT_NE(text.find("max_startup_failures = 9223372036854775807\n"), std::string::npos);
  parsed = ParseConfigToml(text, "rendered");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << text;
  EXPECT_EQ(parsed->config.daemon.max_startup_failures, uint64_t{INT64_MAX});
}

TEST(RenderConfigToml, WritesTheOriginalsShape) {
  Config c = testing::NodeConfig("/h");
  std::string text = RenderConfigToml(c);
  EXPECT_NE(text.find("[nymvisor]\n"), std::string::npos);
  EXPECT_NE(text.find("upstream_polling_rate = '1h'\n"), std::string::npos);
  EXPECT_NE(text.find("upgrade_data_directory = ''\n"), std::string::npos);
  EXPECT_NE(text.find("startup_period_duration = '2m'\n"), std::string::npos);
  EXPECT_NE(text.find("max_startup_failures = 10\n"), std::string::npos);
  EXPECT_NE(text.find("restart_on_failure = true\n"), std::string::npos);
  EXPECT_NE(text.find("health_check_period = ''\n"), std::string::npos);
  EXPECT_LT(text.find("[nymvisor]"), text.find("[daemon]"));
}

TEST(RenderConfigToml, PinsTheWrittenFile) {
  // Every key with its comment, in the table's order: what init writes.
  Config c = testing::NodeConfig("/var/lib/nym/mixnode", "mixnode");
  c.daemon.args = {"run", "--id", "mixnode"};
  c.daemon.user = "nym";
  EXPECT_EQ(RenderConfigToml(c), Golden("config.toml", RenderConfigToml(c)));
}

}  // namespace
}  // namespace nymvisor
