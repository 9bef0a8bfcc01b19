#include "agent/decide/upgrade_policy.h"

#include <algorithm>

namespace nymvisor {
namespace {

/// `fraction` (of 2^64) of `length`, without overflow.
Duration Scale(uint64_t fraction, Duration length) {
  if (length <= Duration::zero()) return Duration::zero();
  using Wide = unsigned __int128;
  auto scaled = (static_cast<Wide>(fraction) * static_cast<Wide>(length.count())) >> 64;
  return Duration(static_cast<Duration::rep>(scaled));
}

/// The startable parts of `policy.startable` inside [from, to).
std::vector<TimeInterval> Clip(const std::vector<TimeInterval>& startable, Timestamp from,
                               Timestamp to) {
  std::vector<TimeInterval> out;
  for (const TimeInterval& i : startable) {
    Timestamp b = std::max(i.begin, from), e = std::min(i.end, to);
    if (b < e) out.push_back({b, e});
  }
  return out;
}

/// The point at `fraction` of the total length of `parts`.
Timestamp PointAt(const std::vector<TimeInterval>& parts, uint64_t fraction) {
  Duration total{};
  for (const TimeInterval& p : parts) total += p.end - p.begin;
  Duration left = Scale(fraction, total);
  for (const TimeInterval& p : parts) {
    if (left < p.end - p.begin) return p.begin + left;
    left -= p.end - p.begin;
  }
  return parts.back().begin;
}

bool Inside(const std::vector<TimeInterval>& startable, Timestamp t) {
  for (const TimeInterval& i : startable) {
    if (i.begin <= t && t < i.end) return true;
  }
  return false;
}

/// The start inside the windows: at the instance's fraction of the startable
/// time within the spread, else its offset into the first window after
/// `due` (never past that window's end).
std::optional<Timestamp> WindowedStart(const UpgradePolicy& policy, Timestamp due) {
  uint64_t fraction = policy.spread > Duration::zero() ? policy.rollout_hash : 0;
  std::vector<TimeInterval> within = Clip(policy.startable, due, due + policy.spread);
  if (!within.empty()) return PointAt(within, fraction);
  for (const TimeInterval& i : policy.startable) {
    if (i.end <= due) continue;
    Timestamp begin = std::max(i.begin, due);
    return PointAt({{begin, std::min(i.end, begin + policy.spread)}}, fraction);
  }
  return std::nullopt;
}

}  // namespace

std::string_view WaitingForName(WaitingFor reason) {
  switch (reason) {
    case WaitingFor::kNone:
      return "";
    case WaitingFor::kWindow:
      return "window";
    case WaitingFor::kReleaseAge:
      return "release-age";
    case WaitingFor::kSpread:
      return "spread";
    case WaitingFor::kBusy:
      return "busy";
    case WaitingFor::kHook:
      return "hook";
    case WaitingFor::kHeld:
      return "held";
  }
  return "";
}

uint64_t RolloutHash(std::string_view machine_id, std::string_view instance_id) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ull;
  };
  for (char c : machine_id) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : instance_id) mix(static_cast<unsigned char>(c));
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

Duration RolloutOffset(uint64_t hash, Duration spread) { return Scale(hash, spread); }

PlannedStart PlanStart(const UpgradeInfo& info, std::optional<Timestamp> first_seen,
                       const UpgradePolicy& policy, Timestamp now) {
  Timestamp released = info.publish_date.value_or(first_seen.value_or(info.upgrade_time));
  Timestamp aged = released + policy.min_release_age;
  PlannedStart plan;
  plan.due = std::max(info.upgrade_time, aged);
  plan.at = policy.windowed ? WindowedStart(policy, plan.due)
                            : plan.due + RolloutOffset(policy.rollout_hash, policy.spread);
  if (now < info.upgrade_time || (plan.at && now >= *plan.at)) return plan;
  if (now < aged) {
    plan.waiting_for = WaitingFor::kReleaseAge;
  } else if (policy.windowed && !Inside(policy.startable, now)) {
    plan.waiting_for = WaitingFor::kWindow;
  } else {
    plan.waiting_for = WaitingFor::kSpread;
  }
  return plan;
}

std::vector<TimeInterval> StartableTimes(std::span<const WindowSpec> windows,
                                         const ZoneOffsets& zone, Timestamp from, Timestamp to,
                                         Duration needs) {
  std::vector<TimeInterval> startable;
  for (TimeInterval window : ExpandWindows(windows, zone, from, to)) {
    window.end -= needs;
    if (window.begin < window.end) startable.push_back(window);
  }
  return startable;
}

}  // namespace nymvisor
