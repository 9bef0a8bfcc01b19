#include "agent/decide/fleet_view.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_util.h"

namespace nymvisor {
namespace {

constexpr std::pair<FleetHaltCause, const char*> kCauses[] = {
    {FleetHaltCause::kRollback, "rollback"},
    {FleetHaltCause::kLeaseExpired, "lease-expired"},
    {FleetHaltCause::kOperator, "operator"},
};

/// The value as a JSON object; an empty object when it is none.
Json ObjectOf(const std::string& text) {
  Result<Json> j = ParseJson(text);
  if (!j.ok() || !j->is_object()) return Json::object();
  return *j;
}

std::string Text(const Json& j, const char* member) {
  Result<std::string> s = GetString(j, member);
  return s.ok() ? *s : std::string();
}

Timestamp Time(const Json& j, const char* member) {
  Result<Timestamp> t = GetTimestamp(j, member);
  return t.ok() ? *t : Timestamp{};
}

bool Flag(const Json& j, const char* member) {
  Result<bool> b = GetBool(j, member);
  return b.ok() && *b;
}

FleetHalt HaltOf(const std::string& version, const std::string& value) {
  Json j = ObjectOf(value);
  FleetHalt halt{.version = version,
                 .cause = FleetHaltCause::kOperator,
                 .reason = Text(j, "reason"),
                 .holder = Text(j, "holder"),
                 .time = Time(j, "time")};
  halt.cause = ParseFleetHaltCause(Text(j, "cause")).value_or(FleetHaltCause::kOperator);
  if (halt.reason.empty()) halt.reason = "halt mark without a readable reason";
  return halt;
}

void AddDone(FleetView* view, const ParsedFleetKey& parsed, const std::string& value) {
  Result<Json> j = ParseJson(value);
  if (!j.ok() || !j->is_object()) return;
  Result<Timestamp> committed = GetTimestamp(*j, "committed");
  if (!committed.ok()) return;
  view->done.push_back(FleetDone{.version = parsed.version,
                                 .holder = parsed.holder,
                                 .canary = Flag(*j, "canary"),
                                 .committed = *committed});
}

}  // namespace

const char* FleetHaltCauseName(FleetHaltCause cause) {
  for (const auto& [c, name] : kCauses) {
    if (c == cause) return name;
  }
  return "rollback";
}

std::optional<FleetHaltCause> ParseFleetHaltCause(std::string_view name) {
  for (const auto& [c, text] : kCauses) {
    if (name == text) return c;
  }
  return std::nullopt;
}

std::string FleetSlotValue(const std::string& version, Timestamp since, bool canary) {
  return DumpJsonCompact(
      Json{{"version", version}, {"since", FormatTimestamp(since)}, {"canary", canary}});
}

std::string FleetProgressValue(const std::string& version, Timestamp since) {
  return DumpJsonCompact(Json{{"version", version}, {"since", FormatTimestamp(since)}});
}

std::string FleetHaltValue(const FleetHalt& halt) {
  return DumpJsonCompact(Json{{"cause", FleetHaltCauseName(halt.cause)},
                              {"reason", halt.reason},
                              {"holder", halt.holder},
                              {"time", FormatTimestamp(halt.time)}});
}

std::string FleetDoneValue(bool canary, Timestamp committed) {
  return DumpJsonCompact(Json{{"canary", canary}, {"committed", FormatTimestamp(committed)}});
}

std::string FleetCanaryValue(Timestamp since) {
  return DumpJsonCompact(Json{{"since", FormatTimestamp(since)}});
}

FleetView BuildFleetView(const FleetKeys& keys, int64_t revision, const std::vector<FleetKv>& kvs) {
  using Kind = ParsedFleetKey::Kind;
  FleetView view{.revision = revision};
  for (const FleetKv& kv : kvs) {
    std::optional<ParsedFleetKey> parsed = ParseFleetKey(keys, kv.key);
    if (!parsed) continue;
    Json j = ObjectOf(kv.value);
    switch (parsed->kind) {
      case Kind::kSlot:
        view.slots.push_back(FleetSlot{.holder = parsed->holder,
                                       .create_revision = kv.create_revision,
                                       .lease = kv.lease == "0" ? "" : kv.lease,
                                       .version = Text(j, "version"),
                                       .since = Time(j, "since"),
                                       .canary = Flag(j, "canary")});
        break;
      case Kind::kProgress:
        view.progress.push_back(FleetProgress{
            .holder = parsed->holder, .version = Text(j, "version"), .since = Time(j, "since")});
        break;
      case Kind::kHalt:
        view.halts.push_back(HaltOf(parsed->version, kv.value));
        break;
      case Kind::kDone:
        AddDone(&view, *parsed, kv.value);
        break;
      case Kind::kCanary:
        view.canaries.push_back(parsed->holder);
        break;
    }
  }
  return view;
}

}  // namespace nymvisor
