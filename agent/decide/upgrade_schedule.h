#ifndef NYMVISOR_AGENT_DECIDE_UPGRADE_SCHEDULE_H_
#define NYMVISOR_AGENT_DECIDE_UPGRADE_SCHEDULE_H_

#include <map>
#include <optional>
#include <string>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor {

/// How far an upgrade's binary is from being ready to switch to.
enum class StageStatus {
  kUnknown,           ///< not looked at yet (e.g. after an agent restart)
  kInProgress,        ///< downloading or verifying
  kStaged,            ///< on disk, checksum and build information verified
  kWaitingForBinary,  ///< downloads are disabled: waiting for add-upgrade
  kFailed,            ///< can never be applied
};

struct StageRecord {
  StageStatus status = StageStatus::kUnknown;
  std::string detail;  ///< the failure, or what it waits for
};

/// The agent's next move for the plan.
struct ScheduleDecision {
  enum class Kind {
    kIdle,     ///< nothing queued
    kRefuse,   ///< `name` failed staging: record it and drop it from the queue
    kUpgrade,  ///< `name` is due and staged: upgrade now
    kStage,    ///< prepare `name` (download and verify) ahead of its time
    kWait,     ///< nothing to do until `at` (or until staging reports)
  };
  Kind kind = Kind::kIdle;
  std::string name;
  std::string reason;
  std::optional<Timestamp> at;  ///< for kWait: when the head becomes due
};

/// Decides what to do next, in this order: drop failed upgrades, switch to a
/// due and staged head, stage the first unexamined entry (one at a time), or
/// wait for the head's upgradeTime. A due head that is not staged yet waits
/// for staging, so download time never adds to the node's downtime. While
/// `held`, staging goes on but nothing is switched: a due head waits (no
/// time), with reason "held". Pure.
ScheduleDecision DecideSchedule(const UpgradePlan& plan,
                                const std::map<std::string, StageRecord>& stages, Timestamp now,
                                bool held = false);

/// How long to wait before staging an upgrade again after its `failures`-th
/// passing failure in a row (a network error, a full disk): 1 min, doubling,
/// at most 1 h, so a failure that lasts is never retried in a tight loop.
/// Pure.
Duration StagingRetryDelay(uint32_t failures);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPGRADE_SCHEDULE_H_
