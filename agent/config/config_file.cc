#include "agent/config/config_file.h"

#include <ini.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>

#include "agent/config/config_keys.h"
#include "agent/config/toml_value.h"

namespace nymvisor {
namespace {

/// Feeds inih one line at a time and remembers the number of the line it is on.
struct LineReader {
  std::string_view text;
  size_t pos = 0;
  int line = 0;
  bool at_line_start = true;
};

char* ReadChunk(char* buffer, int size, void* stream) {
  auto* r = static_cast<LineReader*>(stream);
  if (r->pos >= r->text.size() || size < 2) return nullptr;
  if (r->at_line_start) ++r->line;
  size_t newline = r->text.find('\n', r->pos);
  size_t end = newline == std::string_view::npos ? r->text.size() : newline + 1;
  size_t n = std::min(end - r->pos, static_cast<size_t>(size - 1));
  std::memcpy(buffer, r->text.data() + r->pos, n);
  buffer[n] = '\0';
  r->pos += n;
  r->at_line_start = n > 0 && buffer[n - 1] == '\n';
  return buffer;
}

/// The entity escapes the original's Handlebars template writes into strings.
bool DecodeTemplateEntities(std::string* s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"},   {"&gt;", ">"},   {"&quot;", "\""}, {"&#x27;", "'"},
      {"&#x60;", "`"}, {"&#x3D;", "="}, {"&amp;", "&"}};
  bool changed = false;
  for (const auto& [entity, plain] : kEntities) {
    for (size_t at = s->find(entity); at != std::string::npos; at = s->find(entity, at + 1)) {
      s->replace(at, std::strlen(entity), plain);
      changed = true;
    }
  }
  return changed;
}

struct ParseState {
  std::string_view source;
  LineReader reader;
  Config config;
  std::set<std::string> seen;
  std::map<std::string, int> key_lines;
  std::set<std::string> closed_tables;  ///< tables left behind: reopening one is an error
  std::string table;
  std::vector<std::string> warnings;
  Status error;

  std::string Where() const { return std::string(source) + ":" + std::to_string(reader.line); }
};

Status AssignString(const ConfigKey& key, std::string text, ParseState* state) {
  if (DecodeTemplateEntities(&text)) {
    state->warnings.push_back(state->Where() + ": " + key.FullName() +
                              ": decoded HTML entities written by the original's template");
  }
  if (key.kind == ValueKind::kText || key.kind == ValueKind::kPath) {
    *std::get<std::string*>(key.field(state->config)) = std::move(text);
    return {};
  }
  return SetFromText(key, text, &state->config);
}

Status AssignValue(const ConfigKey& key, TomlValue value, ParseState* state) {
  auto wrong_type = [&](std::string_view expected) {
    return Status::Error("expected " + std::string(expected) + ", got " +
                         std::string(TomlTypeName(value)));
  };
  FieldRef ref = key.field(state->config);
  switch (key.kind) {
    case ValueKind::kBool:
      if (!std::holds_alternative<bool>(value)) return wrong_type("true or false");
      *std::get<bool*>(ref) = std::get<bool>(value);
      return {};
    case ValueKind::kCount: {
      if (!std::holds_alternative<int64_t>(value)) return wrong_type("an integer");
      int64_t n = std::get<int64_t>(value);
      if (n < 0) return Status::Error("must be between 0 and 9223372036854775807");
      *std::get<uint64_t*>(ref) = static_cast<uint64_t>(n);
      return {};
    }
    case ValueKind::kList:
      if (!std::holds_alternative<std::vector<std::string>>(value)) {
        return wrong_type("an array of strings");
      }
      *std::get<std::vector<std::string>*>(ref) = std::get<std::vector<std::string>>(value);
      return {};
    default:
      if (!std::holds_alternative<std::string>(value)) return wrong_type("a quoted string");
      return AssignString(key, std::get<std::string>(std::move(value)), state);
  }
}

/// TOML forbids defining a table twice; inih would merge them silently.
Status CheckTableOrder(const char* section, ParseState* state) {
  if (state->table == section) return {};
  if (state->closed_tables.count(section)) {
    return Status::Error(state->Where() + ": table [" + section + "] is defined twice");
  }
  state->closed_tables.insert(state->table);
  state->table = section;
  return {};
}

int OnKey(void* user, const char* section, const char* name, const char* raw) {
  auto* state = static_cast<ParseState*>(user);
  if (!state->error.ok()) return 1;
  if (Status st = CheckTableOrder(section, state); !st.ok()) {
    state->error = st;
    return 1;
  }
  const ConfigKey* key = FindConfigKey(section, name);
  if (key == nullptr) key = FindConfigKeyByAlias(section, name);
  std::string full = std::string(section) + (*section ? "." : "") + name;
  if (key == nullptr) {
    state->warnings.push_back(state->Where() + ": unknown key '" + full + "' (ignored)");
    return 1;
  }
  // A key and its older name (KeyAlias) may not both be set.
  std::string other = full != key->FullName() ? key->FullName()
                      : key->alias.name.empty()
                          ? ""
                          : std::string(key->section) + "." + std::string(key->alias.name);
  Status st = state->seen.insert(full).second ? Status() : Status::Error("duplicate key");
  if (st.ok() && !other.empty() && state->seen.count(other)) {
    st = Status::Error("is set together with " + other + ", its other name; keep only " +
                       key->FullName());
  }
  state->key_lines[full] = state->reader.line;
  if (st.ok()) {
    Result<TomlValue> value = ParseTomlValue(raw);
    st = value.ok() ? AssignValue(*key, std::move(value).value(), state) : value.status();
  }
  if (!st.ok()) state->error = st.WithContext(state->Where() + ": " + full);
  return 1;
}

void ConfigureInih() {
  ini_allow_multiline = false;
  ini_allow_inline_comments = false;  // '#' comments are handled by ParseTomlValue
  ini_use_stack = false;
  ini_allow_realloc = true;
  ini_max_line = 1 << 20;
  ini_stop_on_first_error = true;
}

Status CheckRequired(const ParseState& state) {
  for (const char* required : {"daemon.name", "daemon.home"}) {
    if (!state.seen.count(required)) {
      return Status::Error(std::string(state.source) + ": missing required key '" + required + "'");
    }
  }
  return {};
}

std::string RenderValue(const ConfigKey& key, const Config& config) {
  FieldRef ref = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::kBool:
      return ValueAsText(key, config);
    case ValueKind::kCount:
      // A TOML integer is signed 64-bit: a larger count (from an environment
      // variable, which takes up to 2^64-1 as the original does) is written
      // as the largest one, which no count of failures, backups or MiB reaches.
      return std::to_string(std::min<uint64_t>(*std::get<uint64_t*>(ref), INT64_MAX));
    case ValueKind::kList:
      return TomlStringArray(*std::get<std::vector<std::string>*>(ref));
    default:
      return TomlQuote(ValueAsText(key, config));
  }
}

}  // namespace

std::string RenderConfigToml(const Config& config) {
  std::string out = "# nymvisor instance configuration.\n";
  out += "# Environment variables (NYMVISOR_*, DAEMON_*) override the values below.\n";
  std::string_view section;
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.section != section) {
      section = key.section;
      out += "\n[" + std::string(section) + "]\n";
    }
    out += "\n# " + std::string(key.comment) + "\n";
    out += std::string(key.name) + " = " + RenderValue(key, config) + "\n";
  }
  return out;
}

Result<ParsedConfig> ParseConfigToml(std::string_view text, std::string_view source) {
  ConfigureInih();
  ParseState state;
  state.source = source;
  state.reader.text = text;
  int rc = ini_parse_stream(ReadChunk, &state.reader, OnKey, &state);
  if (rc > 0 && state.error.ok()) {
    return Status::Error(std::string(source) + ":" + std::to_string(rc) +
                         ": syntax error (expected [table] or key = value)");
  }
  if (rc < 0) return Status::Error(std::string(source) + ": cannot be parsed");
  NV_RETURN_IF_ERROR(state.error);
  NV_RETURN_IF_ERROR(CheckRequired(state));
  if (!state.seen.count("nymvisor.id"))
    state.config.nymvisor.id = state.config.daemon.name + "-default";
  return ParsedConfig{std::move(state.config), std::move(state.warnings),
                      std::move(state.key_lines)};
}

}  // namespace nymvisor
