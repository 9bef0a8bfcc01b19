#ifndef NYMVISOR_AGENT_DECIDE_UPGRADE_GATE_H_
#define NYMVISOR_AGENT_DECIDE_UPGRADE_GATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"
#include "agent/decide/upgrade_state.h"

namespace nymvisor {

/// How long an operator's command (busy check, hook) may run before it is
/// killed, and how long a busy node (or a hook's 75) postpones the upgrade
/// before it is asked again.
inline constexpr Duration kGateCommandTimeout = std::chrono::seconds(60);
inline constexpr Duration kGateRetryDelay = std::chrono::minutes(1);
/// The pre-upgrade command's "not now, ask again" status (EX_TEMPFAIL).
inline constexpr int kHookTempFail = 75;

/// How one run of an operator's command ended, as the shell saw it.
struct CommandOutcome {
  bool started = false;  ///< false: it could not be run at all (`error` says why)
  int exit_code = -1;    ///< valid when started, !timed_out and signal == 0
  int signal = 0;
  bool timed_out = false;
  std::string last_line = "";  ///< the last non-empty line it printed (either stream)
  std::string error = "";      ///< why it could not be run
  bool operator==(const CommandOutcome&) const = default;
};

/// "exited with status 3 (last output: ...)", "did not finish within 1m and
/// was killed", "was killed by signal 9", "could not be run: ...".
std::string DescribeCommandOutcome(const CommandOutcome& outcome);

/// What the gate before the stop decided about a due upgrade.
struct GateDecision {
  enum class Kind { kGo, kPostpone, kRefuse };
  Kind kind = Kind::kGo;
  std::string reason;            ///< for the journal and status; empty for a plain go
  Timestamp retry_at{};          ///< kPostpone: when to ask again
  bool deadline_passed = false;  ///< kGo although busy: the busy deadline has passed
  bool operator==(const GateDecision&) const = default;
};

/// Whether `deadline` has passed since the upgrade became due (`due_since`):
/// then the busy check is no longer asked, and the upgrade goes ahead.
bool BusyDeadlinePassed(Timestamp due_since, Duration deadline, Timestamp now);

/// The busy check's answer: 0 idle (go); 1 busy (ask again in a minute);
/// anything else, a time-out or a failure to run is a failed check, logged
/// and treated as busy. Past the deadline since `due_since` the upgrade goes
/// ahead anyway, and the decision says so.
GateDecision JudgeBusyCheck(const CommandOutcome& outcome, Timestamp due_since, Duration deadline,
                            Timestamp now);

/// The pre-upgrade command's answer: 0 go; 75 postpones like busy until the
/// deadline, and refuses after it; anything else (another status, a
/// signal, a time-out, a failure to run) refuses this upgrade, naming the
/// hook, how it ended and its last line of output.
GateDecision JudgePreHook(const CommandOutcome& outcome, Timestamp due_since, Duration deadline,
                          Timestamp now);

/// What the post-upgrade command is told happened: `committed`,
/// `rolled-back` (automatically, or an operator's rollback), `refused` or
/// `failed` (aborted before the switch, or the node left down).
std::string_view PostHookOutcome(const UpgradeState& state, bool committed);

/// What an operator's command learns about the upgrade. The outcome and
/// reason are set for the post-upgrade command only.
struct HookEvent {
  std::string id = "";  ///< the instance id
  std::string upgrade_name = "";
  std::string from_version = "";
  std::string to_version = "";
  std::string outcome = "";  ///< empty before the upgrade
  std::string reason = "";
  bool fleet = false;           ///< the instance is in a fleet (nymvisor.fleet_endpoints)
  std::string fleet_halt = "";  ///< the version its rollback halted for the fleet, or empty
};

/// The whole environment of an operator's command, "NAME=value" each: a
/// fixed PATH and LANG, and NYMVISOR_ID, NYMVISOR_UPGRADE_NAME,
/// NYMVISOR_FROM_VERSION, NYMVISOR_TO_VERSION (plus NYMVISOR_OUTCOME and
/// NYMVISOR_REASON after the upgrade, and in a fleet NYMVISOR_FLEET_HALT:
/// the version its rollback halted, or empty). Nothing of the agent's own
/// environment (credentials, NOTIFY_SOCKET) is passed on.
std::vector<std::string> HookEnvironment(const HookEvent& event);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_UPGRADE_GATE_H_
