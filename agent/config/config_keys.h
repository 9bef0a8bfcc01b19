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
  std::string_view name{};  ///< "--upstream-polling-rate"; empty when init has no flag for it
  std::string_view help{};
  std::string_view default_text{};  ///< for --help; empty: the default value of the key
  FlagForm form = FlagForm::kValue;
  bool bare() const { return form == FlagForm::kBare; }
};

/// Who takes up a changed value (`systemctl reload`, or only a restart of
/// the agent), and whether the node's unit or `nymvisor exec` reads it when
/// the node starts. kUnset exists only so that a row that forgets it fails
/// ConfigKeyTable's tests.
enum class ChangeClass {
  kUnset,
  kReload,                   ///< a reload of the agent applies it
  kReloadAndNodeStart,       ///< a reload; the node sees it at its next start
  kAgentRestart,             ///< only a restart of the agent applies it
  kAgentRestartAndNodeStart  ///< a restart of the agent; the node at its next start
};

/// How `nymvisor config` shows a key: its label, and its line among the
/// labels (the original's 17 come first, in its order, then ours).
struct ConfigLabel {
  std::string_view text{};  ///< "daemon home:"
  int line = -1;            ///< 0-based; -1: unset (a test fails)
};

/// An older name of a key: still read from the file, the environment and
/// init's command line, never written (config.toml shows the new name).
struct KeyAlias {
  std::string_view name{};     ///< "github_upgrade_delay"; empty: none
  std::string_view env_var{};  ///< "NYMVISOR_GITHUB_UPGRADE_DELAY"
  std::string_view flag{};     ///< "--github-upgrade-delay"
};

/// Checks what the key's type cannot (ranges, names, paths). The error
/// starts "section.name: " (KeyOfError finds the key from it); it may read
/// other keys. Every key names one: AnyValue when its type says it all.
using KeyCheck = Status (*)(const Config& config);

/// One config key: everything about it, in one row of AllConfigKeys() (built
/// with designated initializers). The table drives file parsing and
/// rendering, environment overrides, init's flags, `config` output, change
/// handling and validation; tests check the completions, the man page and the
/// operator guide against it, so a new key is one row plus its check.
struct ConfigKey {
  std::string_view section{};
  std::string_view name{};
  FieldRef (*field)(Config&) = nullptr;
  std::string_view env_var{};  ///< empty when no variable overrides it
  ValueKind kind = ValueKind::kText;
  bool optional = false;  ///< empty string means unset; shown as null in JSON
  InitFlag init{};
  std::string_view comment{};  ///< the line above the key in config.toml
  ConfigLabel label{};
  ChangeClass change = ChangeClass::kUnset;
  KeyCheck check = nullptr;
  /// For a kList key whose items hold spaces or commas (upgrade windows):
  /// the one character that separates them in a variable or a flag, and
  /// init's flag may be given once per item. 0: commas or white space.
  char list_separator = 0;
  KeyAlias alias{};

  std::string FullName() const;  ///< "daemon.home"
  /// A running agent cannot take a new value over on reload.
  bool NeedsAgentRestart() const;
  /// The node's unit or `nymvisor exec` reads it when the node starts.
  bool ReadWhenTheNodeStarts() const;
};

/// Every key, in the order config.toml lists them.
const std::vector<ConfigKey>& AllConfigKeys();

/// The key for "section.name", or nullptr.
const ConfigKey* FindConfigKey(std::string_view section, std::string_view name);

/// The key that "section.name" is an older name of (KeyAlias), or nullptr.
const ConfigKey* FindConfigKeyByAlias(std::string_view section, std::string_view name);

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
