#ifndef NYMVISOR_AGENT_SHELL_FLEET_COORDINATOR_H_
#define NYMVISOR_AGENT_SHELL_FLEET_COORDINATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/duration.h"
#include "agent/config/config.h"
#include "agent/decide/fleet_keys.h"
#include "agent/decide/fleet_rollout.h"
#include "agent/decide/fleet_status.h"
#include "agent/decide/fleet_unreachable.h"
#include "agent/decide/fleet_writes.h"
#include "agent/ports/clock.h"
#include "agent/ports/etcd.h"
#include "agent/ports/file_system.h"
#include "agent/ports/scheduler.h"
#include "agent/records/fleet_slot.h"
#include "agent/shell/logger.h"
#include "agent/shell/worker_lane.h"

namespace nymvisor {

/// Blocking etcd calls of the fleet: a lane of their own, so a slow etcd
/// never holds up a backup while the node is down, nor a download.
using FleetLane = WorkerLane<struct FleetLaneTag>;

/// What the fleet needs from the config, plus this instance's holder id.
/// Plain value; max_unavailable, canary, soak and on_unreachable change on
/// a reload, the rest needs an agent restart.
struct FleetSettings {
  std::string group{};
  std::string holder{};  ///< FleetHolderId: "<instance>@<machine id>"
  uint64_t max_unavailable = 1;
  bool canary = false;
  Duration soak{};
  FleetUnreachableMode on_unreachable = FleetUnreachableMode::kWait;
  /// The lease's TTL (docs/fleet.md): a holder that stops renewing it loses
  /// its slot this long after its last keepalive.
  Duration lease_ttl = std::chrono::seconds(30);
  Duration keepalive_every = std::chrono::seconds(10);  ///< a third of the TTL
};

/// The fleet settings of `config` (fleet_endpoints set) for `holder`.
Result<FleetSettings> MakeFleetSettings(const Config& config, const std::string& holder);

/// Why an instance waits before it may stop its node (the taking-slot step).
enum class FleetWait { kNone, kSlot, kCanaries, kSoak, kHalt, kUnreachable };
/// "", "slot", "canaries", "soak", "fleet-halt", "fleet-unreachable".
std::string_view FleetWaitName(FleetWait wait);

/// One answer to Ask. Plain value.
struct FleetAnswer {
  bool proceed = false;  ///< the node may be stopped now (the progress mark is written)
  FleetWait waiting_for = FleetWait::kNone;
  std::string detail{};             ///< for people: DescribeFleetDecision or etcd's error
  std::optional<FleetHalt> halt{};  ///< the halt blocking the version, if any
};

/// The effects the coordinator uses.
struct FleetDeps {
  Etcd& etcd;
  FileSystem& files;
  std::filesystem::path record_file;  ///< DATA/fleet-slot.json
  Clock& clock;
  Scheduler& scheduler;
  FleetLane lane;
  Logger& log;
  std::function<void()> changed = {};  ///< the status moved on (main thread)
};

/// This instance's part in a fleet rollout (docs/fleet.md): reads its group
/// in one range, decides with decide/fleet_rollout, and writes each change
/// as one etcd txn, recording DATA/fleet-slot.json before every write that
/// changes the slot's phase. It keeps its lease alive from Start on (a
/// restarted agent that holds a slot must not let it expire). Public
/// methods and callbacks: main thread; etcd calls and the record's writes:
/// the fleet lane's worker thread, one job at a time.
class FleetCoordinator {
 public:
  FleetCoordinator(FleetDeps deps, FleetSettings settings);
  /// Cancels the keepalive timer.
  ~FleetCoordinator();
  FleetCoordinator(const FleetCoordinator&) = delete;
  FleetCoordinator& operator=(const FleetCoordinator&) = delete;

  /// At agent start: reads fleet-slot.json and at once resumes the
  /// keepalive of its lease; registers (or deregisters) as a canary.
  void Start();
  /// A config reload: new numbers count from the next Ask; the canary
  /// registration follows the new setting.
  void Reload(FleetSettings settings);
  /// One round for `version`: read, decide, write. `done` gets whether the
  /// node may be stopped now, or why it waits; the caller asks again later.
  void Ask(const std::string& version, std::function<void(const FleetAnswer&)> done);
  /// After the upgrade was recorded: the slot and the progress mark go in
  /// one txn, with the done mark when it `committed` (an abort before the
  /// switch leaves none). An error: etcd did not answer; retry.
  void Release(const std::string& version, bool committed, std::function<void(const Status&)> done);
  /// After a rollback was recorded: halts `version` with `reason` and gives
  /// the slot back, in one txn. An error: retry.
  void Halt(const std::string& version, const std::string& reason,
            std::function<void(const Status&)> done);
  /// An upgrade waiting for a slot was abandoned (hold, skip, reload):
  /// deletes the slot key, ends the lease and removes fleet-slot.json.
  void Withdraw(std::function<void()> done = {});

  /// Called (main thread) whenever what Report shows may have changed.
  void OnChanged(std::function<void()> fn) { deps_.changed = std::move(fn); }
  /// What this instance's fleet shows now.
  FleetStatus Report() const;
  const FleetSettings& settings() const { return settings_; }
  /// The lease kept alive now (0: none); for tests and status.
  int64_t lease() const { return shown_.lease; }
  /// Holds fleet-slot.json with a phase past kAsked: counts as a held slot.
  bool slot_held() const;

 private:
  /// The slot's state. The lane's copy (`lane_`) is the truth and is
  /// touched only by jobs, which run one at a time; the main thread shows
  /// the copy each job hands back (`shown_`).
  struct State {
    std::optional<FleetSlotRecord> record{};
    int64_t lease = 0;
    bool halted_when_last_seen = false;
  };
  /// What a job on the lane hands back to the main thread.
  struct Outcome {
    State state{};
    FleetAnswer answer{};
    nymvisor::Status status{};
    std::vector<std::string> warnings{};  ///< journalled on the main thread
  };
  /// Runs `job` on the lane with the current state; applies what it
  /// returns on the main thread, then calls `then`.
  void Run(std::function<void(Outcome&)> job, std::function<void(const Outcome&)> then);
  void Apply(const Outcome& outcome);
  void ArmKeepAlive();
  void KeepAliveNow();
  // Worker thread, blocking: each works on `o`, which starts as a copy of
  // the main thread's state.
  void LoadBlocking(const FleetSettings& s, Outcome& o);
  void KeepAliveBlocking(Outcome& o);
  void AskBlocking(const FleetSettings& s, const std::string& version, Outcome& o);
  /// One read-decide-write round; true when it wrote and should read again.
  bool AskRound(const FleetSettings& s, const std::string& version, Outcome& o);
  bool TakeSlot(const FleetSettings& s, const std::string& version, Outcome& o);
  bool Adopt(const FleetSettings& s, const FleetSlot& slot, Outcome& o);
  bool WriteProgress(const FleetSettings& s, const FleetDecision& d, const std::string& version,
                     Outcome& o);
  void WithdrawBlocking(const std::string& holder, Outcome& o);
  /// How an upgrade that held a slot ended.
  enum class Ending { kCommitted, kAborted, kRolledBack };
  void GiveBackBlocking(const FleetSettings& s, const std::string& version, Ending ending,
                        const std::string& reason, Outcome& o);
  Result<std::vector<FleetWrite>> EndingWrites(const FleetSettings& s, const std::string& version,
                                               Ending ending, const std::string& reason);
  void AnswerOffline(const FleetSettings& s, const std::string& version, const Status& error,
                     Outcome& o);
  void RegisterCanaryBlocking(const FleetSettings& s, Outcome& o);
  /// Writes fleet-slot.json (or removes it for nullopt), then lane_.record.
  Status SaveRecord(std::optional<FleetSlotRecord> record);
  Result<FleetView> ReadGroup();
  /// `writes` as one txn under `compare`, with lane_.lease for the puts
  /// that want one. False when a compare failed.
  Result<bool> Write(const std::vector<FleetWrite>& writes, std::vector<EtcdCompare> compare);
  /// Journals a change of what the instance waits for, once.
  void Note(const FleetAnswer& answer);

  FleetDeps deps_;
  FleetSettings settings_;
  FleetKeys keys_;
  State lane_{};
  State shown_{};
  FleetAnswer last_answer_{};
  bool asked_ = false;  ///< an Ask answered since the last Withdraw, Release or Halt
  Scheduler::TimerId keepalive_timer_ = 0;
  bool keepalive_posted_ = false;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_FLEET_COORDINATOR_H_
