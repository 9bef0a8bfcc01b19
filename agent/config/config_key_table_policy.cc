// The rows of the gate before the stop (issue 23: busy check and hooks)
// in the table of config keys (config_key_rows.h).
#include "agent/config/config_checks.h"
#include "agent/config/config_key_rows.h"

namespace nymvisor::key_rows {

std::vector<ConfigKey> GateKeys() {
  return {
      {
          NV_FIELD(daemon, busy_check),
          .env_var = "DAEMON_BUSY_CHECK",
          .optional = true,
          .init = {.name = "--busy-check",
                   .help = "Command asked before an upgrade: exit 0 idle, 1 busy"},
          .comment = "Asked just before an upgrade (split like ExecStart=, no shell, as the "
                     "node's account, 60s at most): exit 0 idle, 1 busy. Empty: never busy.",
          .label = {.text = "busy check:", .line = 35},
          .change = kReload,
          .check = CheckBusyCheck,
      },
      {
          NV_FIELD(daemon, busy_deadline),
          .env_var = "DAEMON_BUSY_DEADLINE",
          .kind = ValueKind::kDuration,
          .init = {.name = "--busy-deadline",
                   .help = "How long a busy node may postpone a due upgrade"},
          .comment = "How long after an upgrade is due a busy node may postpone it.",
          .label = {.text = "busy deadline:", .line = 36},
          .change = kReload,
          .check = CheckBusyDeadline,
      },
      {
          NV_FIELD(daemon, pre_upgrade_command),
          .env_var = "DAEMON_PRE_UPGRADE_COMMAND",
          .optional = true,
          .init = {.name = "--pre-upgrade-command",
                   .help = "Command run before the stop: 0 go, 75 wait, else refuse"},
          .comment = "Run after the new binary is verified, before the stop: exit 0 goes on, "
                     "75 waits like busy, anything else refuses the upgrade. Empty: none.",
          .label = {.text = "pre upgrade command:", .line = 37},
          .change = kReload,
          .check = CheckPreUpgradeCommand,
      },
      {
          NV_FIELD(daemon, post_upgrade_command),
          .env_var = "DAEMON_POST_UPGRADE_COMMAND",
          .optional = true,
          .init = {.name = "--post-upgrade-command",
                   .help = "Command run after every upgrade, told its outcome"},
          .comment = "Run after every commit, rollback, refusal or failure, with NYMVISOR_OUTCOME "
                     "and NYMVISOR_REASON in its environment. Empty: none.",
          .label = {.text = "post upgrade command:", .line = 38},
          .change = kReload,
          .check = CheckPostUpgradeCommand,
      },
  };
}

#undef NV_FIELD

}  // namespace nymvisor::key_rows
