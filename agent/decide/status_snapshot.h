#ifndef NYMVISOR_AGENT_DECIDE_STATUS_SNAPSHOT_H_
#define NYMVISOR_AGENT_DECIDE_STATUS_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/timestamp.h"
#include "agent/decide/fleet_status.h"
#include "agent/decide/upgrade_steps.h"

namespace nymvisor {

/// What the agent is doing, in one word.
enum class AgentState {
  kIdle,         ///< nothing queued
  kChecking,     ///< asking upstream
  kDownloading,  ///< staging the next upgrade's binary
  kStaged,       ///< the next upgrade is verified and waits for its time
  kWaiting,      ///< the next upgrade waits for its binary, or the node for its operator
  kUpgrading,    ///< stopping, backing up, switching, starting
  kHealthCheck,  ///< the new version must prove itself
  kRollingBack,  ///< undoing an upgrade
  kHeld,         ///< an operator holds upgrades
  kFailed,       ///< the last upgrade left the node down
};

/// "idle", "checking", ..., "health-check", "rolling-back", "held", "failed".
std::string_view AgentStateName(AgentState state);
Result<AgentState> ParseAgentState(std::string_view name);

/// The agent's state as one value: the STATUS= line is formatted from it, the
/// control API publishes it and `status -o json` prints it. Plain value.
struct StatusSnapshot {
  std::string instance_id;
  std::string node_unit;  ///< the systemd unit that runs the node
  AgentState state = AgentState::kIdle;
  std::string current_version;
  std::string current_upgrade;  ///< the upgrade `current` points at ("genesis", ...)
  std::string next_upgrade;     ///< the next queued upgrade, or empty
  std::string next_upgrade_version;
  std::optional<Timestamp> next_upgrade_time;
  bool next_upgrade_staged = false;
  bool next_upgrade_waits_for_binary = false;  ///< downloads are off: add-upgrade it
  std::optional<Timestamp> next_check_time;
  std::optional<Timestamp> last_check_time;
  bool last_check_ok = true;
  std::string last_check_result;  ///< "not modified", "queued v2 (1.2.0)", the error, ...
  std::string last_error;         ///< the most recent thing that went wrong, or empty
  bool held = false;
  bool checking = false;        ///< a request to upstream is under way
  bool awaiting_start = false;  ///< after a manual upgrade the node waits for its operator
  bool node_down = false;       ///< the last rollback did not bring the node back
  /// The node-left-down record, described with what to do (records/
  /// node_down.h), or empty: the node unit does not start until it is cleared.
  std::string node_left_down;
  std::optional<uint32_t> progress;  ///< 0-100 while downloading or in the health check
  std::string download;              ///< the upgrade being downloaded, or empty
  uint64_t download_bytes = 0;
  std::optional<UpgradeStep> step;  ///< the step of the upgrade in flight
  std::string upgrade;              ///< the upgrade in flight, or empty
  std::string upgrade_from;         ///< its versions
  std::string upgrade_to;
  std::optional<Duration> health_elapsed;  ///< how far into the health check
  Duration health_period = Duration::zero();
  /// Someone else stopped the node during the health check, at this time:
  /// nothing is judged until the node is started again.
  std::optional<Timestamp> health_paused_at;
  std::string last_upgrade;         ///< the last upgrade that ended, or empty
  std::string last_upgrade_result;  ///< completed, rolled-back, failed, refused, switched
  std::string last_outcome;         ///< a sentence on it for the status line, or empty
  uint64_t last_downtime_usec = 0;  ///< the node's downtime in its last upgrade
  std::string upstream_source;      ///< "github" or "upgrade-info"
  std::string upstream_url;         ///< what is polled, without credentials
  std::string upstream_repository;  ///< github only: owner/name
  std::string upstream_tag_prefix;  ///< github only: the release train
  /// Every poll since upstream_failing_since failed: the last error (with
  /// the URL) and what to do. Empty while upstream answers.
  std::string upstream_failure;
  std::string upstream_hint;
  std::optional<Timestamp> upstream_failing_since;
  uint32_t upstream_failed_polls = 0;
  /// Why a due next upgrade is not applied yet: "window", "release-age",
  /// "spread", "held"... (decide/upgrade_policy.h), or empty.
  std::string waiting_for;
  /// github only: the newest release of the train the last poll saw (its
  /// version), how many versions the node runs behind it (decide/
  /// config_score.h) and the config score that implies. Empty/unset on the
  /// upgrade-info source and before the first poll.
  std::string newest_release;
  std::optional<uint64_t> versions_behind;
  std::optional<double> config_score;
  /// The fleet rollout (nymvisor.fleet_endpoints); unset without one.
  std::optional<FleetStatus> fleet;
  bool operator==(const StatusSnapshot&) const = default;
};

/// The one word for the snapshot's activity: an upgrade in flight first, then
/// a download, a check, a hold, a failure, and what the queue waits for. Pure.
AgentState DeriveState(const StatusSnapshot& snapshot);

/// The STATUS= line for `systemctl status`: what runs, what comes next, and
/// what happened last. Pure.
std::string FormatStatusLine(const StatusSnapshot& snapshot);

/// The snapshot as `status -o json` prints it and the control API describes
/// it: camelCase keys, RFC 3339 times, null for what is unknown.
Json StatusSnapshotToJson(const StatusSnapshot& snapshot);
/// The snapshot with the credentials of every URL in its text redacted
/// (base/url_redaction.h): what the agent publishes anywhere. Pure.
StatusSnapshot RedactSnapshot(StatusSnapshot snapshot);
/// Reads what StatusSnapshotToJson wrote (the CLI reads the agent's answer).
Result<StatusSnapshot> StatusSnapshotFromJson(const Json& j);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_STATUS_SNAPSHOT_H_
