#ifndef NYMVISOR_AGENT_DECIDE_UNIT_STATE_H_
#define NYMVISOR_AGENT_DECIDE_UNIT_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace nymvisor {

/// systemd's ActiveState of a unit (org.freedesktop.systemd1.Unit). A name
/// systemd adds later reads as kUnknown, which is neither up nor down.
enum class ActiveState {
  kUnknown,
  kActive,
  kReloading,
  kInactive,
  kFailed,
  kActivating,
  kDeactivating,
  kMaintenance,
  kRefreshing,
};

/// "active" -> kActive; anything unrecognised -> kUnknown.
ActiveState ParseActiveState(std::string_view name);
/// The name systemd uses ("active", "failed", ...; "unknown").
std::string_view ActiveStateName(ActiveState state);

/// Inactive or failed: no process of the unit is left, so its files may be
/// touched (a backup taken, data restored).
bool IsDown(ActiveState state);
/// Active or reloading: the unit is up and has finished starting.
bool IsUp(ActiveState state);

/// The properties of a unit the agent decides on. Timestamps are CLOCK_REALTIME
/// microseconds, 0 when unset. Plain value.
struct UnitState {
  std::string load_state;  ///< loaded, not-found, masked, ...; empty when unknown
  ActiveState active_state = ActiveState::kUnknown;
  std::string sub_state;      ///< running, auto-restart, dead, failed, ...
  std::string result;         ///< Service.Result: success, exit-code, signal, ...
  std::string type;           ///< Service.Type: simple, exec, notify, ...
  std::string invocation_id;  ///< lower-case hex, empty before the first start
  uint32_t n_restarts = 0;
  uint32_t main_pid = 0;
  int32_t exec_main_status = 0;  ///< Service.ExecMainStatus: the last main process's exit status
  bool job_pending = false;      ///< a start/stop/restart job is queued for the unit
  uint64_t active_enter_usec = 0;
  uint64_t active_exit_usec = 0;
  uint64_t inactive_enter_usec = 0;
  uint64_t inactive_exit_usec = 0;
  bool operator==(const UnitState&) const = default;

  bool IsDown() const { return nymvisor::IsDown(active_state); }
  bool IsUp() const { return nymvisor::IsUp(active_state); }
  /// Loaded from a unit file (an unknown load state counts as loaded).
  bool IsLoaded() const { return load_state.empty() || load_state == "loaded"; }
  /// systemd itself failed to place the main process in the unit's cgroup
  /// (exit status 219/CGROUP): the node never ran, and a second start, once
  /// the old cgroup is gone, usually succeeds. Seen after a fast stop and
  /// start on hosts with the legacy cgroup hierarchy.
  bool FailedToSpawnInCgroup() const { return exec_main_status == 219; }
  /// "active/running", for messages.
  std::string Describe() const;
  /// The downtime of the last stop-and-start (ActiveExit to ActiveEnter), or
  /// 0 when the timestamps do not describe one.
  uint64_t LastDowntimeUsec() const;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UNIT_STATE_H_
