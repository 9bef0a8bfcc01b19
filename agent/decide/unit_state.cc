#include "agent/decide/unit_state.h"

#include <utility>

namespace nymvisor {
namespace {

constexpr std::pair<ActiveState, std::string_view> kNames[] = {
    {ActiveState::kActive, "active"},           {ActiveState::kReloading, "reloading"},
    {ActiveState::kInactive, "inactive"},       {ActiveState::kFailed, "failed"},
    {ActiveState::kActivating, "activating"},   {ActiveState::kDeactivating, "deactivating"},
    {ActiveState::kMaintenance, "maintenance"}, {ActiveState::kRefreshing, "refreshing"},
};

}  // namespace

ActiveState ParseActiveState(std::string_view name) {
  for (const auto& [state, state_name] : kNames) {
    if (state_name == name) return state;
  }
  return ActiveState::kUnknown;
}

std::string_view ActiveStateName(ActiveState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "unknown";
}

bool IsDown(ActiveState state) {
  return state == ActiveState::kInactive || state == ActiveState::kFailed;
}

bool IsUp(ActiveState state) {
  return state == ActiveState::kActive || state == ActiveState::kReloading;
}

std::string UnitState::Describe() const {
  std::string text(ActiveStateName(active_state));
  return sub_state.empty() ? text : text + "/" + sub_state;
}

uint64_t UnitState::LastDowntimeUsec() const {
  if (active_exit_usec == 0 || active_enter_usec <= active_exit_usec) return 0;
  return active_enter_usec - active_exit_usec;
}

}  // namespace nymvisor
