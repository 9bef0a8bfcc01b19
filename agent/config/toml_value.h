#ifndef NYMVISOR_AGENT_CONFIG_TOML_VALUE_H_
#define NYMVISOR_AGENT_CONFIG_TOML_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// A value of the TOML subset config.toml uses: single- or double-quoted
/// strings, bools, decimal integers and one-line arrays of strings.
using TomlValue = std::variant<std::string, bool, int64_t, std::vector<std::string>>;

/// Parses the right-hand side of `key = value`; a trailing "# comment" is allowed.
/// Errors say what is wrong with the value, not where it is.
Result<TomlValue> ParseTomlValue(std::string_view text);

/// A TOML string literal for `s`: 'single-quoted' when possible, else a
/// "basic string" with escapes.
std::string TomlQuote(std::string_view s);

/// A one-line TOML array of strings.
std::string TomlStringArray(const std::vector<std::string>& items);

/// The name of the value's TOML type, for error messages.
std::string_view TomlTypeName(const TomlValue& value);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_TOML_VALUE_H_
