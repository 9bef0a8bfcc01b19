#include "agent/base/semver.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace nymvisor {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool ParseNumber(std::string_view s, uint64_t* out) {
  if (!AllDigits(s) || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ValidIdentifier(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return !(AllDigits(id) && id.size() > 1 && id[0] == '0');
}

int CompareIdentifiers(std::string_view a, std::string_view b) {
  bool a_num = AllDigits(a), b_num = AllDigits(b);
  if (a_num && b_num) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (a_num != b_num) return a_num ? -1 : 1;  // numeric identifiers sort first
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

}  // namespace

Result<SemanticVersion> ParseSemanticVersion(std::string_view text) {
  auto invalid = [&] {
    return Status::Error("'" + std::string(text) +
                         "' is not a semantic version (MAJOR.MINOR.PATCH)");
  };
  std::string_view s = text;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  s = s.substr(0, s.find('+'));
  std::string_view core = s.substr(0, s.find('-'));
  std::vector<std::string_view> numbers = Split(core, '.');
  SemanticVersion v;
  if (numbers.size() != 3 || !ParseNumber(numbers[0], &v.major) ||
      !ParseNumber(numbers[1], &v.minor) || !ParseNumber(numbers[2], &v.patch)) {
    return invalid();
  }
  if (core.size() < s.size()) {
    for (std::string_view id : Split(s.substr(core.size() + 1), '.')) {
      if (!ValidIdentifier(id)) return invalid();
      v.prerelease.emplace_back(id);
    }
  }
  return v;
}

int CompareVersions(const SemanticVersion& a, const SemanticVersion& b) {
  for (auto [x, y] :
       {std::pair{a.major, b.major}, std::pair{a.minor, b.minor}, std::pair{a.patch, b.patch}}) {
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() == b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;  // a release outranks its pre-releases
  }
  size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

}  // namespace nymvisor
