#include "agent/base/json_util.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace nymvisor {

namespace {

/// Our files nest a few levels; a hostile one nested thousands deep would
/// exhaust the stack of whatever walks, copies or frees the tree.
constexpr int kMaxJsonDepth = 64;

/// The deepest nesting of arrays and objects in `text`, outside strings.
int NestingDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  if (NestingDepth(text) > kMaxJsonDepth) {
    return Status::Error("invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {  // library boundary: converted to a Status
    return Status::Error(std::string("invalid JSON: ") + e.what());
  }
}

std::string DumpJsonPretty(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string DumpJsonCompact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status RequireObject(const Json& j, std::string_view what) {
  if (!j.is_object()) return Status::Error(std::string(what) + " must be a JSON object");
  return {};
}

const Json* FindMember(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> GetString(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Error("missing key '" + std::string(key) + "'");
  if (!it->is_string()) return Status::Error("key '" + std::string(key) + "' must be a string");
  return it->get<std::string>();
}

Result<bool> GetBool(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Error("missing key '" + std::string(key) + "'");
  if (!it->is_boolean()) return Status::Error("key '" + std::string(key) + "' must be a boolean");
  return it->get<bool>();
}

Result<Timestamp> GetTimestamp(const Json& obj, std::string_view key) {
  NV_ASSIGN_OR_RETURN(std::string text, GetString(obj, key));
  Result<Timestamp> t = ParseTimestamp(text);
  if (!t.ok()) return t.status().WithContext("key '" + std::string(key) + "'");
  return t;
}

Result<std::optional<Timestamp>> GetOptionalTimestamp(const Json& obj, std::string_view key) {
  if (FindMember(obj, key) == nullptr) return std::optional<Timestamp>();
  NV_ASSIGN_OR_RETURN(Timestamp t, GetTimestamp(obj, key));
  return std::optional<Timestamp>(t);
}

}  // namespace nymvisor
