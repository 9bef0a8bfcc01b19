#include "agent/decide/fleet_status.h"

#include <nlohmann/json.hpp>

#include "agent/decide/fleet_view.h"

namespace nymvisor {
namespace {

Result<FleetHaltCause> ParseCause(const std::string& text) {
  std::optional<FleetHaltCause> cause = ParseFleetHaltCause(text);
  if (!cause) return Status::Error("unknown halt cause '" + text + "'");
  return *cause;
}

Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Result<std::string> TextOrEmpty(const Json& j, std::string_view key) {
  const Json* v = FindMember(j, key);
  if (v == nullptr || v->is_null()) return std::string();
  return GetString(j, key);
}

Result<FleetHalt> HaltFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "fleet halt"));
  FleetHalt h;
  NV_ASSIGN_OR_RETURN(h.version, GetString(j, "version"));
  NV_ASSIGN_OR_RETURN(std::string cause, GetString(j, "cause"));
  NV_ASSIGN_OR_RETURN(h.cause, ParseCause(cause));
  NV_ASSIGN_OR_RETURN(h.reason, TextOrEmpty(j, "reason"));
  NV_ASSIGN_OR_RETURN(h.holder, TextOrEmpty(j, "holder"));
  NV_ASSIGN_OR_RETURN(h.time, GetTimestamp(j, "time"));
  return h;
}

}  // namespace

bool FleetSlotHeld(const FleetStatus& f) { return !f.phase.empty() && f.phase != "asked"; }

Json FleetStatusToJson(const FleetStatus& f) {
  Json j = Json::object();
  j["group"] = f.group;
  j["holder"] = f.holder;
  j["canary"] = f.canary;
  j["maxUnavailable"] = f.max_unavailable;
  j["phase"] = TextOrNull(f.phase);
  j["waitingFor"] = TextOrNull(f.waiting_for);
  j["detail"] = TextOrNull(f.detail);
  if (f.halt) {
    j["halt"] = Json{{"version", f.halt->version},
                     {"cause", FleetHaltCauseName(f.halt->cause)},
                     {"reason", f.halt->reason},
                     {"holder", f.halt->holder},
                     {"time", FormatTimestamp(f.halt->time)}};
  } else {
    j["halt"] = nullptr;
  }
  return j;
}

Result<FleetStatus> FleetStatusFromJson(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "fleet"));
  FleetStatus f;
  NV_ASSIGN_OR_RETURN(f.group, GetString(j, "group"));
  NV_ASSIGN_OR_RETURN(f.holder, GetString(j, "holder"));
  NV_ASSIGN_OR_RETURN(f.canary, GetBool(j, "canary"));
  if (const Json* m = FindMember(j, "maxUnavailable"); m != nullptr && m->is_number_unsigned()) {
    f.max_unavailable = m->get<uint64_t>();
  }
  NV_ASSIGN_OR_RETURN(f.phase, TextOrEmpty(j, "phase"));
  NV_ASSIGN_OR_RETURN(f.waiting_for, TextOrEmpty(j, "waitingFor"));
  NV_ASSIGN_OR_RETURN(f.detail, TextOrEmpty(j, "detail"));
  if (const Json* h = FindMember(j, "halt"); h != nullptr && !h->is_null()) {
    NV_ASSIGN_OR_RETURN(f.halt, HaltFromJson(*h));
  }
  return f;
}

std::string FleetStatusText(const FleetStatus& f) {
  if (f.waiting_for.empty()) return "";
  return "fleet " + f.group + ": " + (f.detail.empty() ? f.waiting_for : f.detail);
}

}  // namespace nymvisor
