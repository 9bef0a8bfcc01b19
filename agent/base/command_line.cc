#include "agent/base/command_line.h"

#include <optional>

namespace nymvisor {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Reads the escape after a backslash at line[*i] (which points past it);
/// advances *i past the escape.
Result<char> ReadEscape(std::string_view line, size_t* i) {
  if (*i >= line.size()) return Status::Error("it ends with a lone backslash");
  char c = line[(*i)++];
  switch (c) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    case 's':
      return ' ';
    case '\\':
    case '"':
    case '\'':
    case '$':
      return c;
    case 'x': {
      int hi = *i < line.size() ? HexDigit(line[*i]) : -1;
      int lo = *i + 1 < line.size() ? HexDigit(line[*i + 1]) : -1;
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
        return Status::Error("'\\x' needs two hex digits other than 00");
      }
      *i += 2;
      return static_cast<char>(hi * 16 + lo);
    }
    default:
      return Status::Error(std::string("unknown escape '\\") + c + "'");
  }
}

/// A '$' at line[*i]: "$$" is a literal '$'; anything else would be a
/// variable, which is never expanded here.
Result<char> ReadDollar(std::string_view line, size_t* i) {
  if (*i + 1 < line.size() && line[*i + 1] == '$') {
    *i += 2;
    return '$';
  }
  return Status::Error(
      "'$' at position " + std::to_string(*i + 1) +
      ": variables are not expanded (no shell runs the command); write '$$' for a literal '$', "
      "or run '/bin/sh -c ...' yourself");
}

/// Appends one word starting at line[*i] (not a blank) to `words`.
Status ReadWord(std::string_view line, size_t* i, std::vector<std::string>* words) {
  std::string word;
  std::optional<char> quote;
  while (*i < line.size()) {
    char c = line[*i];
    if (!quote && IsBlank(c)) break;
    if (c == quote) {
      quote.reset();
      ++*i;
    } else if (!quote && (c == '"' || c == '\'')) {
      quote = c;
      ++*i;
    } else if (c == '\\') {
      ++*i;
      NV_ASSIGN_OR_RETURN(char e, ReadEscape(line, i));
      word.push_back(e);
    } else if (c == '$' && quote != '\'') {
      NV_ASSIGN_OR_RETURN(char d, ReadDollar(line, i));
      word.push_back(d);
    } else {
      word.push_back(c);
      ++*i;
    }
  }
  if (quote) return Status::Error(std::string("a ") + *quote + " quote is not closed");
  words->push_back(std::move(word));
  return {};
}

}  // namespace

Result<std::vector<std::string>> SplitCommandLine(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i >= line.size()) break;
    NV_RETURN_IF_ERROR(ReadWord(line, &i, &words));
  }
  if (words.empty()) return Status::Error("the command is empty");
  const std::string& program = words.front();
  if (!program.empty() && std::string_view("-@:+!").find(program[0]) != std::string_view::npos) {
    return Status::Error(std::string("the prefix '") + program[0] +
                         "' of ExecStart= lines is not supported here; remove it");
  }
  if (program.empty() || program[0] != '/') {
    return Status::Error("'" + program +
                         "' is not an absolute path; name the program in full, e.g. /usr/bin/curl");
  }
  return words;
}

}  // namespace nymvisor
