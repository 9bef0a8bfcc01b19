#include "agent/decide/maintenance_window.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace nymvisor {
namespace {

using std::chrono::seconds;

constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Monday = 0; accepts the short (three letters) and the long name.
Result<int> ParseDay(std::string_view text) {
  std::string word = Lowered(text);
  for (size_t i = 0; i < kDayNames.size(); ++i) {
    if (word == kDayNames[i] || word == kDayNames[i].substr(0, 3)) return static_cast<int>(i);
  }
  return Status::Error("unknown day '" + std::string(text) + "' (use Mon..Sun)");
}

/// `Mon`, `Mon..Fri`, `Sat,Sun`, `Mon,Wed..Fri`.
Result<uint8_t> ParseDays(std::string_view text) {
  uint8_t days = 0;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? "" : text.substr(comma + 1);
    size_t dots = item.find("..");
    NV_ASSIGN_OR_RETURN(int first, ParseDay(item.substr(0, dots)));
    int last = first;
    if (dots != std::string_view::npos) {
      NV_ASSIGN_OR_RETURN(last, ParseDay(item.substr(dots + 2)));
    }
    for (int d = first;; d = (d + 1) % 7) {
      days |= static_cast<uint8_t>(1u << d);
      if (d == last) break;
    }
  }
  if (days == 0) return Status::Error("no day given");
  return days;
}

Result<int> ParseNumber(std::string_view text, int most, std::string_view what) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.size() != 2 || ec != std::errc() || end != text.data() + text.size()) {
    return Status::Error("'" + std::string(text) + "' is not a two-digit " + std::string(what));
  }
  if (value > most) return Status::Error(std::string(what) + " " + std::string(text));
  return value;
}

/// HH:MM, 00:00 to 23:59.
Result<uint16_t> ParseClock(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::Error("'" + std::string(text) + "' is not HH:MM");
  }
  NV_ASSIGN_OR_RETURN(int hour, ParseNumber(text.substr(0, colon), 23, "hour"));
  NV_ASSIGN_OR_RETURN(int minute, ParseNumber(text.substr(colon + 1), 59, "minute"));
  return static_cast<uint16_t>(hour * 60 + minute);
}

Result<WindowSpec> ParseWindowSpecInner(std::string_view text) {
  WindowSpec spec;
  size_t space = text.find_last_of(' ');
  std::string_view times = text;
  if (space != std::string_view::npos) {
    std::string_view days = text.substr(0, space);
    while (!days.empty() && days.back() == ' ') days.remove_suffix(1);
    NV_ASSIGN_OR_RETURN(spec.days, ParseDays(days));
    times = text.substr(space + 1);
  }
  size_t dash = times.find('-');
  if (dash == std::string_view::npos) {
    return Status::Error("'" + std::string(times) + "' is not HH:MM-HH:MM");
  }
  NV_ASSIGN_OR_RETURN(spec.start_min, ParseClock(times.substr(0, dash)));
  NV_ASSIGN_OR_RETURN(spec.end_min, ParseClock(times.substr(dash + 1)));
  if (spec.start_min == spec.end_min) return Status::Error("the window starts where it ends");
  return spec;
}

/// Which span holds the UTC instant `t`; the last one when none does.
const OffsetSpan* SpanAt(const ZoneOffsets& zone, Timestamp t) {
  for (const OffsetSpan& span : zone) {
    if (span.begin <= t && t < span.end) return &span;
  }
  return zone.empty() ? nullptr : &zone.back();
}

}  // namespace

Duration WindowSpec::Length() const {
  int minutes = end_min > start_min ? end_min - start_min : 24 * 60 - start_min + end_min;
  return std::chrono::minutes(minutes);
}

Result<WindowSpec> ParseWindowSpec(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  Result<WindowSpec> spec = ParseWindowSpecInner(text);
  if (!spec.ok()) {
    return Status::Error("'" + std::string(text) + "': " + spec.status().message() +
                         " (write [DAYS ]HH:MM-HH:MM, e.g. 'Mon..Fri 02:00-04:00')");
  }
  return spec;
}

Timestamp ResolveLocal(const ZoneOffsets& zone, seconds local) {
  Timestamp as_utc{local};
  for (const OffsetSpan& span : zone) {
    Timestamp candidate = as_utc - span.utc_offset;
    if (candidate < span.begin) return span.begin;  // skipped: the first valid instant
    if (candidate < span.end) return candidate;     // the first occurrence
  }
  return as_utc - (zone.empty() ? seconds(0) : zone.back().utc_offset);
}

std::vector<TimeInterval> ExpandWindows(std::span<const WindowSpec> windows,
                                        const ZoneOffsets& zone, Timestamp from, Timestamp to) {
  std::vector<TimeInterval> out;
  const OffsetSpan* at_from = SpanAt(zone, from);
  seconds offset = at_from == nullptr ? seconds(0) : at_from->utc_offset;
  auto local_day = std::chrono::floor<std::chrono::days>(from + offset) - std::chrono::days(1);
  for (auto day = local_day; Timestamp(day) < to + std::chrono::days(2);
       day += std::chrono::days(1)) {
    // 1970-01-01 was a Thursday (Monday = 0).
    int weekday = static_cast<int>((day.time_since_epoch().count() % 7 + 7 + 3) % 7);
    seconds midnight = std::chrono::duration_cast<seconds>(day.time_since_epoch());
    for (const WindowSpec& w : windows) {
      if ((w.days & (1u << weekday)) == 0) continue;
      seconds local_start = midnight + std::chrono::minutes(w.start_min);
      auto length = std::chrono::duration_cast<seconds>(w.Length());
      Timestamp begin = ResolveLocal(zone, local_start);
      Timestamp end = ResolveLocal(zone, local_start + length);
      if (end <= begin) end = begin + length;
      if (end > from && begin < to) out.push_back({begin, end});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.begin < b.begin; });
  std::vector<TimeInterval> merged;
  for (const TimeInterval& i : out) {
    if (!merged.empty() && i.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, i.end);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

}  // namespace nymvisor
