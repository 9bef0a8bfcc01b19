#include "agent/config/env_file.h"

#include <cctype>
#include <map>

namespace nymvisor {
namespace {

bool IsNameChar(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) ||
         (!first && (std::isdigit(static_cast<unsigned char>(c)) || c == '.'));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Variables seen so far in the file take precedence over the environment.
struct Scope {
  const std::map<std::string, std::string>& assigned;
  const EnvLookup& env;
  std::string Lookup(const std::string& name) const {
    if (auto it = assigned.find(name); it != assigned.end()) return it->second;
    return env(name).value_or("");
  }
};

/// Expands "${NAME}" or "$NAME" at text[*i] (which is '$').
Result<std::string> ExpandVariable(std::string_view text, size_t* i, const Scope& scope) {
  size_t start = *i + 1;
  if (start < text.size() && text[start] == '{') {
    size_t close = text.find('}', start);
    if (close == std::string_view::npos) return Status::Error("unterminated ${...}");
    *i = close + 1;
    return scope.Lookup(std::string(text.substr(start + 1, close - start - 1)));
  }
  size_t end = start;
  while (end < text.size() && IsNameChar(text[end], end == start)) ++end;
  *i = end;
  if (end == start) return std::string("$");
  return scope.Lookup(std::string(text.substr(start, end - start)));
}

/// No value of ours is longer; `A=$A$A` repeated would otherwise double
/// until memory runs out.
constexpr size_t kMaxValueBytes = 64 * 1024;

Result<std::string> Substitute(std::string_view text, const Scope& scope) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      i += 2;
    } else if (text[i] == '$') {
      NV_ASSIGN_OR_RETURN(std::string value, ExpandVariable(text, &i, scope));
      if (out.size() + value.size() > kMaxValueBytes) {
        return Status::Error("the value grows past " + std::to_string(kMaxValueBytes / 1024) +
                             " KiB when its variables are expanded");
      }
      out += value;
    } else {
      out += text[i++];
    }
  }
  return out;
}

Result<std::string> UnescapeDouble(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '"':
      case '\\':
      case '\'':
        out += e;
        break;
      case '$':
        out += "\\$";
        break;  // kept escaped for Substitute
      default:
        return Status::Error(std::string("invalid escape '\\") + e + "'");
    }
  }
  return out;
}

Result<std::string> ParseValue(std::string_view raw, const Scope& scope) {
  raw = Trim(raw);
  if (!raw.empty() && (raw.front() == '\'' || raw.front() == '"')) {
    char quote = raw.front();
    size_t close = raw.find_last_of(quote);
    if (close == 0) return Status::Error("unterminated quoted value");
    std::string_view rest = Trim(raw.substr(close + 1));
    if (!rest.empty() && rest.front() != '#') return Status::Error("text after the closing quote");
    std::string_view body = raw.substr(1, close - 1);
    if (quote == '\'') return std::string(body);
    NV_ASSIGN_OR_RETURN(std::string unescaped, UnescapeDouble(body));
    return Substitute(unescaped, scope);
  }
  size_t comment = raw.find(" #");
  if (comment != std::string_view::npos) raw = Trim(raw.substr(0, comment));
  return Substitute(raw, scope);
}

Result<EnvAssignment> ParseLine(std::string_view line, const Scope& scope) {
  if (line.starts_with("export ")) line = Trim(line.substr(7));
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return Status::Error("expected KEY=VALUE");
  std::string name(Trim(line.substr(0, eq)));
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0)) return Status::Error("invalid variable name '" + name + "'");
  }
  if (name.empty()) return Status::Error("missing variable name");
  NV_ASSIGN_OR_RETURN(std::string value, ParseValue(line.substr(eq + 1), scope));
  return EnvAssignment{name, value};
}

}  // namespace

Result<std::vector<EnvAssignment>> ParseEnvFile(std::string_view text, std::string_view source,
                                                const EnvLookup& env) {
  std::vector<EnvAssignment> out;
  std::map<std::string, std::string> assigned;
  Scope scope{assigned, env};
  int line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    ++line_no;
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    Result<EnvAssignment> a = ParseLine(line, scope);
    if (!a.ok()) return a.status().WithContext(std::string(source) + ":" + std::to_string(line_no));
    assigned[a->first] = a->second;
    out.push_back(std::move(a).value());
  }
  return out;
}

}  // namespace nymvisor
