#include "agent/base/duration.h"

#include <cctype>
#include <cstdint>
#include <limits>

namespace nymvisor {
namespace {

constexpr uint64_t kNanosPerSecond = 1'000'000'000ULL;
constexpr uint64_t kSecondsPerYear = 31'557'600;  // 365.25 days, as humantime
constexpr uint64_t kSecondsPerMonth = 2'630'016;  // 30.44 days, as humantime

struct Unit {
  std::string_view name;
  uint64_t nanos;
};

constexpr Unit kUnits[] = {
    {"nanos", 1},
    {"nsec", 1},
    {"ns", 1},
    {"usec", 1'000},
    {"us", 1'000},
    {"millis", 1'000'000},
    {"msec", 1'000'000},
    {"ms", 1'000'000},
    {"seconds", kNanosPerSecond},
    {"second", kNanosPerSecond},
    {"secs", kNanosPerSecond},
    {"sec", kNanosPerSecond},
    {"s", kNanosPerSecond},
    {"minutes", 60 * kNanosPerSecond},
    {"minute", 60 * kNanosPerSecond},
    {"mins", 60 * kNanosPerSecond},
    {"min", 60 * kNanosPerSecond},
    {"m", 60 * kNanosPerSecond},
    {"hours", 3600 * kNanosPerSecond},
    {"hour", 3600 * kNanosPerSecond},
    {"hrs", 3600 * kNanosPerSecond},
    {"hr", 3600 * kNanosPerSecond},
    {"h", 3600 * kNanosPerSecond},
    {"days", 86400 * kNanosPerSecond},
    {"day", 86400 * kNanosPerSecond},
    {"d", 86400 * kNanosPerSecond},
    {"weeks", 7 * 86400 * kNanosPerSecond},
    {"week", 7 * 86400 * kNanosPerSecond},
    {"w", 7 * 86400 * kNanosPerSecond},
    {"months", kSecondsPerMonth* kNanosPerSecond},
    {"month", kSecondsPerMonth* kNanosPerSecond},
    {"M", kSecondsPerMonth* kNanosPerSecond},
    {"years", kSecondsPerYear* kNanosPerSecond},
    {"year", kSecondsPerYear* kNanosPerSecond},
    {"y", kSecondsPerYear* kNanosPerSecond},
};

/// Units match case-sensitively: "M" is months, "m" minutes.
Result<uint64_t> UnitNanos(std::string_view unit) {
  for (const Unit& u : kUnits) {
    if (u.name == unit) return u.nanos;
  }
  return Status::Error("unknown unit '" + std::string(unit) + "'");
}

bool MultiplyAdd(uint64_t count, uint64_t unit, uint64_t* total) {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (unit != 0 && count > kMax / unit) return false;
  uint64_t product = count * unit;
  if (product > kMax - *total) return false;
  *total += product;
  return true;
}

Result<uint64_t> ParseItems(std::string_view text) {
  uint64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return Status::Error("expected a number at '" + std::string(text.substr(i)) + "'");
    }
    uint64_t count = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      uint64_t next = 0;
      if (!MultiplyAdd(count, 10, &next) || !MultiplyAdd(1, text[i] - '0', &next)) {
        return Status::Error("number too large");
      }
      count = next;
      ++i;
    }
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) return Status::Error("a unit is required after " + std::to_string(count));
    NV_ASSIGN_OR_RETURN(uint64_t unit, UnitNanos(text.substr(start, i - start)));
    if (!MultiplyAdd(count, unit, &total)) return Status::Error("duration too large");
    any = true;
  }
  if (!any) return Status::Error("empty duration");
  return total;
}

void AppendItem(std::string* out, uint64_t count, std::string_view unit, bool plural) {
  if (count == 0) return;
  if (!out->empty()) out->push_back(' ');
  *out += std::to_string(count);
  *out += unit;
  if (plural && count > 1) out->push_back('s');
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  Result<uint64_t> nanos = ParseItems(text);
  if (!nanos.ok()) {
    return nanos.status().WithContext("invalid duration '" + std::string(text) + "'");
  }
  return Duration(static_cast<int64_t>(*nanos));
}

std::string FormatDuration(Duration d) {
  if (d.count() <= 0) return "0s";
  uint64_t nanos = static_cast<uint64_t>(d.count());
  uint64_t secs = nanos / kNanosPerSecond;
  uint64_t sub = nanos % kNanosPerSecond;
  std::string out;
  AppendItem(&out, secs / kSecondsPerYear, "year", true);
  secs %= kSecondsPerYear;
  AppendItem(&out, secs / kSecondsPerMonth, "month", true);
  secs %= kSecondsPerMonth;
  AppendItem(&out, secs / 86400, "day", true);
  secs %= 86400;
  AppendItem(&out, secs / 3600, "h", false);
  AppendItem(&out, secs % 3600 / 60, "m", false);
  AppendItem(&out, secs % 60, "s", false);
  AppendItem(&out, sub / 1'000'000, "ms", false);
  AppendItem(&out, sub / 1'000 % 1'000, "us", false);
  AppendItem(&out, sub % 1'000, "ns", false);
  return out;
}

}  // namespace nymvisor
