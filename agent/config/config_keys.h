#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_KEYS_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_KEYS_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/config/config.h"

namespace nymvisor {

/// How a key's value is written in text (environment, TOML strings).
enum class ValueKind { kText, kUrl, kPath, kBool, kDuration, kCount, kList };

/// A pointer to the Config field a key controls.
using FieldRef = std::variant<std::string*, bool*, Duration*, uint64_t*, std::vector<std::string>*>;

/// How an init flag takes its value.
enum class FlagForm {
  kValue,          ///< --flag VALUE
  kBare,           ///< --flag, without a value: only ever sets true
  kOptionalValue,  ///< --flag [true|false]: bare means true (a bool defaulting to true)
};

/// How `init` sets a key from its command line, named as the original names
/// its flags.
struct InitFlag {
  std::string_view name;  ///< "--upstream-polling-rate"; empty when init has no flag for it
  std::string_view help;
  std::string_view default_text;  ///< for --help; empty: the default value of the key
  FlagForm form = FlagForm::kValue;
  bool bare() const { return form == FlagForm::kBare; }
};

/// One config key: its TOML table and name, its environment variable (if any),
/// its `init` flag (if any), and the field it sets. The table of keys drives
/// file parsing, rendering, environment overrides, init's flags and `config`
/// output, so a new key is added once.
struct ConfigKey {
  std::string_view section;
  std::string_view name;
  std::string_view env_var;  ///< empty when no variable overrides it
  ValueKind kind;
  bool optional;  ///< empty string means unset; shown as null in JSON
  FieldRef (*field)(Config&);
  InitFlag init;

  std::string FullName() const;  ///< "daemon.home"
};

/// Every key, in the order config.toml lists them.
const std::vector<ConfigKey>& AllConfigKeys();

/// The key for "section.name", or nullptr.
const ConfigKey* FindConfigKey(std::string_view section, std::string_view name);

/// Parses the text form used by environment variables: bools t/true/1/f/false/0
/// (any case), humantime durations, counts as Rust parses a usize (decimal,
/// an optional '+', up to 2^64-1), URLs validated and normalised as the
/// original's url crate shows them.
/// The error does not name the source; callers add the variable or file.
Status SetFromText(const ConfigKey& key, std::string_view text, Config* config);

/// The value as text (durations in humantime, lists space-joined).
std::string ValueAsText(const ConfigKey& key, const Config& config);

/// What --help shows for a value of this kind: DURATION, URL, true|false...
std::string_view ValueTypeName(ValueKind kind);

/// The key whose init flag is `flag` ("--daemon-home"), or nullptr.
const ConfigKey* FindKeyByInitFlag(std::string_view flag);

/// The key a validation error is about: its message starts "section.name: "
/// (ValidateConfig's form). nullptr when it names no key.
const ConfigKey* KeyOfError(const Status& error);

/// A count as Rust parses the original's usize (64-bit): decimal digits
/// after an optional '+', at most 2^64-1.
Result<uint64_t> ParseCount(std::string_view text);

/// A parsed bool in the original's environment syntax.
Result<bool> ParseBoolText(std::string_view text);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_KEYS_H_
