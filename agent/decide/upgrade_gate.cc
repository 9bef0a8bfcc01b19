#include "agent/decide/upgrade_gate.h"

#include <cstring>

namespace nymvisor {
namespace {

using Kind = GateDecision::Kind;

GateDecision Postpone(Timestamp now, std::string reason) {
  return {.kind = Kind::kPostpone, .reason = std::move(reason), .retry_at = now + kGateRetryDelay};
}

GateDecision Refuse(std::string reason) {
  return {.kind = Kind::kRefuse, .reason = std::move(reason)};
}

std::string SinceText(Timestamp due_since, Duration deadline) {
  return "due since " + FormatTimestamp(due_since) + ", busy deadline " + FormatDuration(deadline);
}

}  // namespace

std::string DescribeCommandOutcome(const CommandOutcome& o) {
  std::string text;
  if (!o.started) {
    text = "could not be run: " + o.error;
  } else if (o.timed_out) {
    text = "did not finish within " + FormatDuration(kGateCommandTimeout) + " and was killed";
  } else if (o.signal != 0) {
    text = "was killed by signal " + std::to_string(o.signal) + " (" + strsignal(o.signal) + ")";
  } else {
    text = "exited with status " + std::to_string(o.exit_code);
  }
  if (!o.last_line.empty()) text += " (last output: " + o.last_line + ")";
  return text;
}

bool BusyDeadlinePassed(Timestamp due_since, Duration deadline, Timestamp now) {
  return now >= due_since + deadline;
}

GateDecision JudgeBusyCheck(const CommandOutcome& outcome, Timestamp due_since, Duration deadline,
                            Timestamp now) {
  bool clean = outcome.started && !outcome.timed_out && outcome.signal == 0;
  if (clean && outcome.exit_code == 0) return {};
  std::string why = clean && outcome.exit_code == 1
                        ? "the node is busy (busy_check exited with status 1)"
                        : "the busy check failed and counts as busy: busy_check " +
                              DescribeCommandOutcome(outcome);
  if (BusyDeadlinePassed(due_since, deadline, now)) {
    return {.kind = Kind::kGo,
            .reason = why + "; upgrading anyway: " + SinceText(due_since, deadline) + " passed",
            .deadline_passed = true};
  }
  return Postpone(now, why);
}

GateDecision JudgePreHook(const CommandOutcome& outcome, Timestamp due_since, Duration deadline,
                          Timestamp now) {
  bool clean = outcome.started && !outcome.timed_out && outcome.signal == 0;
  if (clean && outcome.exit_code == 0) return {};
  std::string how = "pre_upgrade_command " + DescribeCommandOutcome(outcome);
  if (clean && outcome.exit_code == kHookTempFail) {
    if (!BusyDeadlinePassed(due_since, deadline, now)) {
      return Postpone(now, "pre_upgrade_command asked to wait (status 75)");
    }
    return Refuse(how + ", and the busy deadline has passed (" + SinceText(due_since, deadline) +
                  ")");
  }
  return Refuse(how);
}

std::string_view PostHookOutcome(const UpgradeState& state, bool committed) {
  if (committed) return state.revert ? "rolled-back" : "committed";
  return state.rolled_back ? "rolled-back" : "failed";
}

std::vector<std::string> HookEnvironment(const HookEvent& event) {
  std::vector<std::string> env = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LANG=C.UTF-8",
      "NYMVISOR_ID=" + event.id,
      "NYMVISOR_UPGRADE_NAME=" + event.upgrade_name,
      "NYMVISOR_FROM_VERSION=" + event.from_version,
      "NYMVISOR_TO_VERSION=" + event.to_version,
  };
  if (!event.outcome.empty()) {
    env.push_back("NYMVISOR_OUTCOME=" + event.outcome);
    env.push_back("NYMVISOR_REASON=" + event.reason);
    if (event.fleet) env.push_back("NYMVISOR_FLEET_HALT=" + event.fleet_halt);
  }
  return env;
}

}  // namespace nymvisor
