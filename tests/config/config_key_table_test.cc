// Every key's row is complete, and what operators read beside the binary
// (bash completions, man page, operator guide) names every key's init flag
// and variable, and nothing else: the way MessageIds checks its catalog.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "agent/config/config_keys.h"
#include "agent/config/env_overrides.h"

namespace nymvisor {
namespace {

/// init's flags that set no key.
const std::set<std::string> kInitOwnFlags = {"--build-info-timeout", "--reset", "--force",
                                             "--output", "--help"};

/// A long option, as a capture group.
const char kFlag[] = R"((--[a-z-]+))";

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << relative << " is missing or empty";
  return text.str();
}

/// The text from `begin` up to `end` (both must be there).
std::string Between(const std::string& text, const std::string& begin, const std::string& end) {
  size_t from = text.find(begin);
  size_t to = from == std::string::npos ? from : text.find(end, from + begin.size());
  EXPECT_NE(to, std::string::npos) << "no '" << begin << "' ... '" << end << "'";
  if (to == std::string::npos) return {};
  return text.substr(from + begin.size(), to - from - begin.size());
}

std::set<std::string> Matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> found;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    found.insert((*it)[1].str());
  }
  return found;
}

std::set<std::string> KeyInitFlags() {
  std::set<std::string> flags;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.init.name.empty()) flags.insert(std::string(key.init.name));
    if (!key.alias.flag.empty()) flags.insert(std::string(key.alias.flag));  // still taken
  }
  return flags;
}

std::set<std::string> KeyVariables() {
  std::set<std::string> vars;
  for (std::string_view var : KnownEnvVars()) vars.insert(std::string(var));
  return vars;
}

/// `found` holds every one of `expected`, and nothing outside `allowed`.
void ExpectSame(const std::set<std::string>& found, const std::set<std::string>& expected,
                const std::set<std::string>& allowed, const std::string& where) {
  for (const std::string& name : expected) {
    EXPECT_TRUE(found.count(name)) << where << " lacks " << name;
  }
  for (const std::string& name : found) {
    EXPECT_TRUE(expected.count(name) || allowed.count(name)) << where << " has unknown " << name;
  }
}

TEST(ConfigKeyTable, EveryKeyHasACommentALabelAChangeClassAndACheck) {
  for (const ConfigKey& key : AllConfigKeys()) {
    EXPECT_FALSE(key.comment.empty()) << key.FullName() << ": no comment for config.toml";
    EXPECT_FALSE(key.label.text.empty()) << key.FullName() << ": no label for `nymvisor config`";
    EXPECT_NE(key.change, ChangeClass::kUnset) << key.FullName() << ": no change class";
    EXPECT_NE(key.check, nullptr) << key.FullName() << ": no check (AnyValue if none is needed)";
    EXPECT_NE(key.field, nullptr) << key.FullName();
  }
}

TEST(ConfigKeyTable, LabelLinesNumberEveryKeyOnce) {
  std::set<int> lines;
  for (const ConfigKey& key : AllConfigKeys()) {
    EXPECT_TRUE(lines.insert(key.label.line).second)
        << key.FullName() << ": line " << key.label.line << " taken twice";
  }
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(*lines.begin(), 0);
  EXPECT_EQ(*lines.rbegin(), static_cast<int>(AllConfigKeys().size()) - 1);
}

TEST(ConfigKeyTable, NamesFlagsAndVariablesAreUnique) {
  std::set<std::string> names, flags, vars;
  for (const ConfigKey& key : AllConfigKeys()) {
    EXPECT_TRUE(names.insert(key.FullName()).second) << key.FullName();
    if (!key.init.name.empty()) {
      EXPECT_TRUE(flags.insert(std::string(key.init.name)).second) << key.init.name;
    }
    if (!key.env_var.empty()) {
      EXPECT_TRUE(vars.insert(std::string(key.env_var)).second) << key.env_var;
    }
  }
}

TEST(ConfigKeyTable, BashCompletionsOfferEveryInitFlag) {
  std::string script = ReadSource("completions/nymvisor.bash");
  std::string init =
      Between(Between(script, "    init)\n", "    add-upgrade)"), "compgen -W \"", "\"");
  ExpectSame(Matches(init, kFlag), KeyInitFlags(), kInitOwnFlags,
             "completions/nymvisor.bash (init)");
  // Flags taking a path complete file names; flags taking true|false offer them.
  std::set<std::string> files = Matches(Between(script, "case $prev in", "compgen -f"), kFlag);
  std::set<std::string> bools =
      Matches(Between(script, "compgen -f", "compgen -W \"true false\""), kFlag);
  for (const ConfigKey& key : AllConfigKeys()) {
    std::string flag(key.init.name);
    if (flag.empty()) continue;
    if (key.kind == ValueKind::kPath) {
      EXPECT_TRUE(files.count(flag)) << flag << " completes no file names";
    }
    if (key.kind == ValueKind::kBool && !key.init.bare()) {
      EXPECT_TRUE(bools.count(flag)) << flag << " does not offer true false";
    }
  }
}

TEST(ConfigKeyTable, ManPageListsEveryInitFlagAndVariable) {
  std::string page = ReadSource("docs/nymvisor.1.scd");
  std::string flags = Between(page, "\tFlags: ", "*-o* text|json.");
  ExpectSame(Matches(flags, R"(\*(--[a-z-]+)\*)"), KeyInitFlags(), kInitOwnFlags,
             "docs/nymvisor.1.scd (init's flags)");
  std::string environment = Between(page, "# ENVIRONMENT", "# FILES");
  ExpectSame(Matches(environment, R"(\*([A-Z][A-Z_]+)\*)"), KeyVariables(), {"NYM_HOME_DIR"},
             "docs/nymvisor.1.scd (ENVIRONMENT)");
}

TEST(ConfigKeyTable, OperatorGuideTablesListEveryInitFlagAndVariable) {
  std::string guide = ReadSource("docs/operator-guide.md");
  std::string flag_rows = Between(guide, "| flag | default |", "\n\n");
  ExpectSame(Matches(flag_rows, R"(`(--[a-z-]+))"), KeyInitFlags(), kInitOwnFlags,
             "docs/operator-guide.md (init flags)");
  std::string var_rows = Between(guide, "| variable | key | default |", "\n\n");
  ExpectSame(Matches(var_rows, R"(\n\| `([A-Z_]+)`)"), KeyVariables(), {"NYM_HOME_DIR"},
             "docs/operator-guide.md (environment variables)");
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.env_var.empty()) continue;
    std::string row = "| `" + std::string(key.env_var) + "` | `" + key.FullName() + "`";
    EXPECT_NE(var_rows.find(row), std::string::npos) << "no row " << row;
  }
}

}  // namespace
}  // namespace nymvisor
