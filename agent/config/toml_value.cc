#include "agent/config/toml_value.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace nymvisor {
namespace {

/// A cursor over the value text.
struct Cursor {
  std::string_view text;
  size_t pos = 0;

  bool AtEnd() const { return pos >= text.size(); }
  char Peek() const { return AtEnd() ? '\0' : text[pos]; }
  void SkipSpace() {
    while (!AtEnd() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
  bool StartsWith(std::string_view prefix) const { return text.substr(pos).starts_with(prefix); }
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Status ReadUnicodeEscape(Cursor* c, size_t digits, std::string* out) {
  if (c->pos + digits > c->text.size()) return Status::Error("truncated \\u escape");
  uint32_t cp = 0;
  auto [end, ec] =
      std::from_chars(c->text.data() + c->pos, c->text.data() + c->pos + digits, cp, 16);
  if (ec != std::errc() || end != c->text.data() + c->pos + digits) {
    return Status::Error("invalid \\u escape");
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return Status::Error("\\u escape is not a Unicode scalar value");
  }
  c->pos += digits;
  AppendUtf8(cp, out);
  return {};
}

Status ReadEscape(Cursor* c, std::string* out) {
  char e = c->Peek();
  ++c->pos;
  switch (e) {
    case 'b':
      out->push_back('\b');
      return {};
    case 't':
      out->push_back('\t');
      return {};
    case 'n':
      out->push_back('\n');
      return {};
    case 'f':
      out->push_back('\f');
      return {};
    case 'r':
      out->push_back('\r');
      return {};
    case 'e':
      out->push_back('\x1b');
      return {};
    case '"':
      out->push_back('"');
      return {};
    case '\\':
      out->push_back('\\');
      return {};
    case 'u':
      return ReadUnicodeEscape(c, 4, out);
    case 'U':
      return ReadUnicodeEscape(c, 8, out);
    default:
      return Status::Error(std::string("invalid escape '\\") + e + "' in string");
  }
}

Result<std::string> ReadBasicString(Cursor* c) {
  ++c->pos;  // opening "
  std::string out;
  while (!c->AtEnd()) {
    char ch = c->Peek();
    ++c->pos;
    if (ch == '"') return out;
    if (ch == '\\') {
      NV_RETURN_IF_ERROR(ReadEscape(c, &out));
    } else {
      out.push_back(ch);
    }
  }
  return Status::Error("unterminated double-quoted string");
}

Result<std::string> ReadLiteralString(Cursor* c) {
  ++c->pos;  // opening '
  size_t end = c->text.find('\'', c->pos);
  if (end == std::string_view::npos) return Status::Error("unterminated single-quoted string");
  std::string out(c->text.substr(c->pos, end - c->pos));
  c->pos = end + 1;
  return out;
}

Result<std::string> ReadString(Cursor* c) {
  if (c->StartsWith("\"\"\"") || c->StartsWith("'''")) {
    return Status::Error("multi-line strings are not supported");
  }
  if (c->Peek() == '"') return ReadBasicString(c);
  if (c->Peek() == '\'') return ReadLiteralString(c);
  return Status::Error("expected a quoted string");
}

Result<std::vector<std::string>> ReadStringArray(Cursor* c) {
  ++c->pos;  // [
  std::vector<std::string> items;
  while (true) {
    c->SkipSpace();
    if (c->Peek() == ']') break;
    Result<std::string> item = ReadString(c);
    if (!item.ok())
      return item.status().WithContext("array element " + std::to_string(items.size() + 1));
    items.push_back(std::move(item).value());
    c->SkipSpace();
    if (c->Peek() == ',') {
      ++c->pos;
    } else if (c->Peek() != ']') {
      return Status::Error("expected ',' or ']' in array");
    }
  }
  ++c->pos;  // ]
  return items;
}

Result<int64_t> ReadInteger(Cursor* c) {
  size_t start = c->pos;
  std::string digits;
  if (c->Peek() == '+' || c->Peek() == '-') digits.push_back(c->text[c->pos++]);
  bool last_was_digit = false;
  while (!c->AtEnd() && (std::isdigit(static_cast<unsigned char>(c->Peek())) || c->Peek() == '_')) {
    if (c->Peek() == '_' && !last_was_digit) return Status::Error("misplaced '_' in integer");
    last_was_digit = c->Peek() != '_';
    if (last_was_digit) digits.push_back(c->Peek());
    ++c->pos;
  }
  std::string_view raw = c->text.substr(start, c->pos - start);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!last_was_digit || ec != std::errc() || end != digits.data() + digits.size()) {
    return Status::Error("'" + std::string(raw) + "' is not a decimal integer");
  }
  return value;
}

/// Converts a Result<T> into a Result<TomlValue> holding the same value or error.
template <typename T>
Result<TomlValue> AsValue(Result<T> r) {
  if (!r.ok()) return r.status();
  return TomlValue(std::move(r).value());
}

Result<TomlValue> ReadValue(Cursor* c) {
  char first = c->Peek();
  if (first == '"' || first == '\'') return AsValue(ReadString(c));
  if (first == '[') return AsValue(ReadStringArray(c));
  if (c->StartsWith("true")) {
    c->pos += 4;
    return TomlValue(true);
  }
  if (c->StartsWith("false")) {
    c->pos += 5;
    return TomlValue(false);
  }
  if (first == '+' || first == '-' || std::isdigit(static_cast<unsigned char>(first))) {
    return AsValue(ReadInteger(c));
  }
  if (c->AtEnd()) return Status::Error("missing value");
  return Status::Error("unsupported value '" + std::string(c->text.substr(c->pos)) +
                       "' (expected a quoted string, true/false, an integer or an array)");
}

bool NeedsBasicString(std::string_view s) {
  for (char ch : s) {
    if (ch == '\'' || static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

}  // namespace

Result<TomlValue> ParseTomlValue(std::string_view text) {
  Cursor c{text};
  c.SkipSpace();
  NV_ASSIGN_OR_RETURN(TomlValue value, ReadValue(&c));
  c.SkipSpace();
  if (!c.AtEnd() && c.Peek() != '#') {
    return Status::Error("unexpected text after the value: '" + std::string(text.substr(c.pos)) +
                         "'");
  }
  return value;
}

std::string TomlQuote(std::string_view s) {
  if (!NeedsBasicString(s)) return "'" + std::string(s) + "'";
  std::string out = "\"";
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string TomlStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + TomlQuote(items[i]);
  return out + "]";
}

std::string_view TomlTypeName(const TomlValue& value) {
  switch (value.index()) {
    case 0:
      return "string";
    case 1:
      return "boolean";
    case 2:
      return "integer";
    default:
      return "array";
  }
}

}  // namespace nymvisor
