#ifndef NYMVISOR_AGENT_BASE_JSON_UTIL_H_
#define NYMVISOR_AGENT_BASE_JSON_UTIL_H_

#include <nlohmann/json_fwd.hpp>  // the full header only where JSON is built or read
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

using Json = nlohmann::ordered_json;  // keeps keys in the order written

/// Parses JSON text without exceptions; the error says where parsing failed.
Result<Json> ParseJson(std::string_view text);

/// Serialises with a 2-space indent, like the original's files; invalid UTF-8 is
/// replaced rather than thrown on.
std::string DumpJsonPretty(const Json& j);

/// Serialises on one line, like the original's `-o json` output.
std::string DumpJsonCompact(const Json& j);

/// Typed, exception-free accessors for an object's keys. Errors name the key.
Status RequireObject(const Json& j, std::string_view what);
Result<std::string> GetString(const Json& obj, std::string_view key);
Result<bool> GetBool(const Json& obj, std::string_view key);
Result<Timestamp> GetTimestamp(const Json& obj, std::string_view key);
/// Returns nullopt when the key is absent or null.
Result<std::optional<Timestamp>> GetOptionalTimestamp(const Json& obj, std::string_view key);
/// Returns nullptr when the key is absent or null, else the member.
const Json* FindMember(const Json& obj, std::string_view key);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_JSON_UTIL_H_
