// The [daemon] rows of the table of config keys (config_key_rows.h); the
// gate's rows are in config_key_table_policy.cc.
#include "agent/config/config_checks.h"
#include "agent/config/config_key_rows.h"

namespace nymvisor::key_rows {

/// The [daemon] table's keys the original has, in config.toml's order.
std::vector<ConfigKey> OriginalDaemonKeys() {
  return {
      {
          NV_FIELD(daemon, name),
          .env_var = "DAEMON_NAME",
          .comment = "Name of the node binary, e.g. nym-node.",
          .label = {.text = "daemon name:", .line = 1},
          .change = kAgentRestartAndNodeStart,
          .check = CheckDaemonName,
      },
      {
          NV_FIELD(daemon, home),
          .env_var = "DAEMON_HOME",
          .kind = ValueKind::kPath,
          .init = {.name = "--daemon-home",
                   .help = "The daemon's home directory",
                   .default_text = "$DAEMON_HOME"},
          .comment = "The node's home directory; nymvisor keeps its state in <home>/nymvisor.",
          .label = {.text = "daemon home:", .line = 2},
          .change = kAgentRestartAndNodeStart,
          .check = CheckHome,
      },
      {
          NV_FIELD(daemon, absolute_upstream_upgrade_url),
          .env_var = "DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL",
          .kind = ValueKind::kUrl,
          .optional = true,
          .init = {.name = "--daemon-absolute-upstream-upgrade-url",
                   .help = "Full upgrade-info URL, replacing the base URL"},
          .comment = "Full upgrade-info URL; when set it replaces the base URL above.",
          .label = {.text = "upstream absolute upgrade url:", .line = 6},
          .change = kReload,
          .check = CheckAbsoluteUpgradeUrl,
      },
      {
          NV_FIELD(daemon, allow_binaries_download),
          .env_var = "DAEMON_ALLOW_BINARIES_DOWNLOAD",
          .kind = ValueKind::kBool,
          .init = {.name = "--allow-download-upgrade-binaries", .help = "Download new binaries"},
          .comment = "Download new binaries named by upgrade info.",
          .label = {.text = "allow binaries download:", .line = 7},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, enforce_download_checksum),
          .env_var = "DAEMON_ENFORCE_DOWNLOAD_CHECKSUM",
          .kind = ValueKind::kBool,
          .init = {.name = "--enforce-download-checksum",
                   .help = "Require a checksum for every download"},
          .comment = "Refuse downloads whose upgrade info has no checksum.",
          .label = {.text = "enforce download checksum:", .line = 8},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, restart_after_upgrade),
          .env_var = "DAEMON_RESTART_AFTER_UPGRADE",
          .kind = ValueKind::kBool,
          .init = {.name = "--restart-daemon-after-upgrade",
                   .help = "Start the daemon after an upgrade"},
          .comment = "Start the node again after switching binaries.",
          .label = {.text = "restart after upgrade:", .line = 9},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, restart_on_failure),
          .env_var = "DAEMON_RESTART_ON_FAILURE",
          .kind = ValueKind::kBool,
          .init = {.name = "--restart-daemon-on-failure",
                   .help = "Restart the daemon when it fails (bare: true)",
                   .form = FlagForm::kOptionalValue},
          .comment = "Let systemd restart the node when it fails (Restart=).",
          .label = {.text = "restart on failure:", .line = 10},
          .change = kReloadAndNodeStart,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, failure_restart_delay),
          .env_var = "DAEMON_FAILURE_RESTART_DELAY",
          .kind = ValueKind::kDuration,
          .init = {.name = "--on-failure-daemon-restart-delay",
                   .help = "Delay before restarting a failed daemon"},
          .comment = "Delay before such a restart (RestartSec=).",
          .label = {.text = "on failure restart delay:", .line = 11},
          .change = kReloadAndNodeStart,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, max_startup_failures),
          .env_var = "DAEMON_MAX_STARTUP_FAILURES",
          .kind = ValueKind::kCount,
          .init = {.name = "--max-daemon-startup-failures",
                   .help = "Failed starts allowed in the startup period"},
          .comment = "Failed starts within the startup period before systemd gives up "
                     "(StartLimitBurst=).",
          .label = {.text = "max startup failures:", .line = 12},
          .change = kReloadAndNodeStart,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, startup_period_duration),
          .env_var = "DAEMON_STARTUP_PERIOD_DURATION",
          .kind = ValueKind::kDuration,
          .init = {.name = "--startup-period-duration", .help = "Length of the startup period"},
          .comment = "The startup period (StartLimitIntervalSec=).",
          .label = {.text = "startup period duration:", .line = 13},
          .change = kReloadAndNodeStart,
          .check = CheckStartupPeriod,
      },
      {
          NV_FIELD(daemon, shutdown_grace_period),
          .env_var = "DAEMON_SHUTDOWN_GRACE_PERIOD",
          .kind = ValueKind::kDuration,
          .init = {.name = "--daemon-shutdown-grace-period",
                   .help = "Time between SIGINT and SIGKILL"},
          .comment = "Time between SIGINT and SIGKILL (TimeoutStopSec=).",
          .label = {.text = "shutdown grace period:", .line = 14},
          .change = kReloadAndNodeStart,
          .check = CheckShutdownGracePeriod,
      },
      {
          NV_FIELD(daemon, backup_data_directory),
          .env_var = "DAEMON_BACKUP_DATA_DIRECTORY",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--daemon-backup-data-directory",
                   .help = "Backup directory",
                   .default_text = "<home>/nymvisor/backups"},
          .comment = "Where backups go. Empty: <daemon home>/nymvisor/backups.",
          .label = {.text = "CUSTOM backup data directory", .line = 15},
          .change = kAgentRestart,
          .check = CheckBackupDataDirectory,
      },
      {
          NV_FIELD(daemon, unsafe_skip_backup),
          .env_var = "DAEMON_UNSAFE_SKIP_BACKUP",
          .kind = ValueKind::kBool,
          .init = {.name = "--unsafe-skip-backup",
                   .help = "Upgrade without backing up the daemon's data",
                   .form = FlagForm::kBare},
          .comment = "Upgrade without backing up the node's data first.",
          .label = {.text = "UNSAFE skip backups", .line = 16},
          .change = kReload,
          .check = AnyValue,
      },
  };
}

/// The [daemon] table's keys that are ours, before the gate's.
std::vector<ConfigKey> OurDaemonKeys() {
  return {
      {
          NV_FIELD(daemon, unit),
          .optional = true,
          .init = {.name = "--daemon-unit",
                   .help = "systemd unit running the daemon",
                   .default_text = "nymvisor-daemon@<id>.service"},
          .comment = "The systemd unit that runs the node.",
          .label = {.text = "daemon unit:", .line = 18},
          .change = kAgentRestartAndNodeStart,
          .check = CheckUnit,
      },
      {
          NV_FIELD(daemon, args),
          .kind = ValueKind::kList,
          .comment = "Arguments the node is started with.",
          .label = {.text = "daemon args:", .line = 19},
          .change = kReloadAndNodeStart,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, user),
          .optional = true,
          .init = {.name = "--daemon-user",
                   .help = "Account the daemon runs as",
                   .default_text = "the owner of the daemon home"},
          .comment = "The account the node runs as (User=).",
          .label = {.text = "daemon user:", .line = 20},
          .change = kAgentRestartAndNodeStart,
          .check = CheckUser,
      },
      {
          NV_FIELD(daemon, backups_to_keep),
          .kind = ValueKind::kCount,
          .init = {.name = "--backups-to-keep", .help = "Pre-upgrade backups to keep"},
          .comment = "How many pre-upgrade backups to keep (older ones are deleted).",
          .label = {.text = "backups to keep:", .line = 21},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(daemon, max_download_size_mib),
          .env_var = "DAEMON_MAX_DOWNLOAD_SIZE_MIB",
          .kind = ValueKind::kCount,
          .init = {.name = "--max-download-size-mib", .help = "Largest binary to download, in MiB"},
          .comment = "A binary larger than this many MiB is refused while downloading.",
          .label = {.text = "max download size (MiB):", .line = 22},
          .change = kReload,
          .check = CheckMaxDownloadSize,
      },
      {
          NV_FIELD(daemon, health_check_period),
          .kind = ValueKind::kDuration,
          .optional = true,
          .init = {.name = "--health-check-period",
                   .help = "How long a new version must stay healthy",
                   .default_text = "the startup period"},
          .comment = "How long a new version must stay healthy before the upgrade is kept. "
                     "Empty: the startup period.",
          .label = {.text = "health check period:", .line = 23},
          .change = kReload,
          .check = CheckHealthCheckPeriod,
      },
  };
}

/// The node's API: the last rows of [daemon].
std::vector<ConfigKey> NodeApiKeys() {
  return {
      {
          NV_FIELD(daemon, health_check_url),
          .env_var = "DAEMON_HEALTH_CHECK_URL",
          .kind = ValueKind::kUrl,
          .optional = true,
          .init = {.name = "--health-check-url",
                   .help = "Node URL that must answer 2xx during the health check",
                   .default_text = "none"},
          .comment = "A URL on the node that must answer 2xx during the health check "
                     "(loopback or an IP address). Empty: not asked.",
          .label = {.text = "health check url:", .line = 39},
          .change = kReload,
          .check = CheckHealthCheckUrl,
      },
      {
          NV_FIELD(daemon, build_info_url),
          .env_var = "DAEMON_BUILD_INFO_URL",
          .kind = ValueKind::kUrl,
          .optional = true,
          .init = {.name = "--build-info-url",
                   .help = "Node URL whose JSON build_version must be the new version",
                   .default_text = "none"},
          .comment = "A URL on the node whose JSON build_version must be the new version "
                     "(loopback or an IP address). Empty: not asked.",
          .label = {.text = "build info url:", .line = 40},
          .change = kReload,
          .check = CheckBuildInfoUrl,
      },
  };
}

#undef NV_FIELD

}  // namespace nymvisor::key_rows
