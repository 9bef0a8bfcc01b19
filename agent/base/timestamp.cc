#include "agent/base/timestamp.h"

#include <cctype>
#include <cstdio>

namespace nymvisor {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

/// Reads exactly `width` decimal digits at `*pos`.
bool ReadDigits(std::string_view s, size_t* pos, size_t width, int* out) {
  if (*pos + width > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = s[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  *pos += width;
  *out = value;
  return true;
}

bool Expect(std::string_view s, size_t* pos, std::string_view allowed) {
  if (*pos >= s.size() || allowed.find(s[*pos]) == std::string_view::npos) return false;
  ++*pos;
  return true;
}

/// Parses ".ddd" (1 to 9 digits kept, more are truncated) into nanoseconds.
bool ReadFraction(std::string_view s, size_t* pos, nanoseconds* out) {
  if (*pos >= s.size() || s[*pos] != '.') return true;
  ++*pos;
  int64_t nanos = 0;
  int digits = 0;
  while (*pos < s.size() && std::isdigit(static_cast<unsigned char>(s[*pos]))) {
    if (digits < 9) nanos = nanos * 10 + (s[*pos] - '0');
    ++digits;
    ++*pos;
  }
  if (digits == 0) return false;
  for (int i = digits; i < 9; ++i) nanos *= 10;
  *out = nanoseconds(nanos);
  return true;
}

/// Parses "Z" or "+HH:MM"/"-HH:MM" into the offset to subtract to reach UTC.
bool ReadOffset(std::string_view s, size_t* pos, minutes* out) {
  if (Expect(s, pos, "Zz")) {
    *out = minutes(0);
    return true;
  }
  if (*pos >= s.size() || (s[*pos] != '+' && s[*pos] != '-')) return false;
  int sign = s[*pos] == '-' ? -1 : 1;
  ++*pos;
  int hh = 0, mm = 0;
  if (!ReadDigits(s, pos, 2, &hh) || !Expect(s, pos, ":") || !ReadDigits(s, pos, 2, &mm)) {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  *out = minutes(sign * (hh * 60 + mm));
  return true;
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  auto invalid = [&] {
    return Status::Error("invalid RFC 3339 timestamp '" + std::string(text) + "'");
  };
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!ReadDigits(text, &pos, 4, &y) || !Expect(text, &pos, "-") ||
      !ReadDigits(text, &pos, 2, &mo) || !Expect(text, &pos, "-") ||
      !ReadDigits(text, &pos, 2, &d) || !Expect(text, &pos, "Tt ") ||
      !ReadDigits(text, &pos, 2, &h) || !Expect(text, &pos, ":") ||
      !ReadDigits(text, &pos, 2, &mi) || !Expect(text, &pos, ":") ||
      !ReadDigits(text, &pos, 2, &sec)) {
    return invalid();
  }
  nanoseconds fraction(0);
  minutes offset(0);
  if (!ReadFraction(text, &pos, &fraction) || !ReadOffset(text, &pos, &offset) ||
      pos != text.size()) {
    return invalid();
  }
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                  std::chrono::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return invalid();
  // Timestamp counts nanoseconds in 64 bits: years past 2261 would wrap.
  if (y < 1900 || y > 2261) {
    return Status::Error("timestamp '" + std::string(text) + "' is outside the years 1900-2261");
  }
  Timestamp t = std::chrono::sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + fraction;
  return t - offset;
}

namespace {

/// A UTC timestamp broken into calendar fields.
struct CivilTime {
  int year;
  unsigned month, day;
  int hour, minute, second;
  int64_t nanos;
};

CivilTime ToCivil(Timestamp t) {
  auto day = std::chrono::floor<days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss<nanoseconds> hms(t - day);
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count()),
          hms.subseconds().count()};
}

}  // namespace

std::string FormatTimestamp(Timestamp t) {
  CivilTime c = ToCivil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  std::string out = buf;
  if (c.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(c.nanos));
    std::string fraction = buf;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + "Z";
}

std::string FormatBackupStamp(Timestamp t) {
  CivilTime c = ToCivil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u-%02d%02d%02d%03lld", c.year, c.month, c.day,
                c.hour, c.minute, c.second, static_cast<long long>(c.nanos / 1'000'000));
  return buf;
}

}  // namespace nymvisor
