// The table of config keys: one row per key, everything about it.
#include "agent/config/config_checks.h"
#include "agent/config/config_keys.h"

namespace nymvisor {
namespace {

// The key's table and name, and the Config field they name, which cannot
// disagree: NV_FIELD(daemon, home) is "daemon", "home" and &config.daemon.home.
#define NV_FIELD(table, member)       \
  .section = #table, .name = #member, \
  .field = [](Config& c) -> FieldRef { return FieldRef(&c.table.member); }

constexpr ChangeClass kReload = ChangeClass::kReload;
constexpr ChangeClass kReloadAndNodeStart = ChangeClass::kReloadAndNodeStart;
constexpr ChangeClass kAgentRestart = ChangeClass::kAgentRestart;
constexpr ChangeClass kAgentRestartAndNodeStart = ChangeClass::kAgentRestartAndNodeStart;

/// The [nymvisor] table, in config.toml's order.
std::vector<ConfigKey> NymvisorKeys() {
  return {
      {
          NV_FIELD(nymvisor, id),
          .env_var = "NYMVISOR_ID",
          .init = {.name = "--id",
                   .help = "Identifier of this nymvisor instance",
                   .default_text = "<daemon name>-default"},
          .comment = "Identifier of this nymvisor instance.",
          .label = {.text = "id:", .line = 0},
          // The instance's name: its files, units and bus names.
          .change = kAgentRestart,
          .check = CheckInstanceId,
      },
      {
          NV_FIELD(nymvisor, upstream_base_upgrade_url),
          .env_var = "NYMVISOR_UPSTREAM_BASE_UPGRADE_URL",
          .kind = ValueKind::kUrl,
          .init = {.name = "--upstream-base-upgrade-url",
                   .help = "Base URL of upstream upgrade information"},
          .comment = "Base URL; upgrade info is read from <base>/<daemon name>/upgrade-info.json.",
          .label = {.text = "upstream base upgrade url:", .line = 3},
          .change = kReload,
          .check = CheckBaseUpgradeUrl,
      },
      {
          NV_FIELD(nymvisor, upstream_polling_rate),
          .env_var = "NYMVISOR_UPSTREAM_POLLING_RATE",
          .kind = ValueKind::kDuration,
          .init = {.name = "--upstream-polling-rate",
                   .help = "How often to poll upstream, e.g. 1h or 90s"},
          .comment = "How often upstream is asked for new upgrades.",
          .label = {.text = "upstream polling rate:", .line = 17},
          .change = kReload,
          .check = CheckPollingRate,
      },
      {
          NV_FIELD(nymvisor, disable_logs),
          .env_var = "NYMVISOR_DISABLE_LOGS",
          .kind = ValueKind::kBool,
          .init = {.name = "--disable-nymvisor-logs",
                   .help = "Disable nymvisor's own logs",
                   .form = FlagForm::kBare},
          .comment = "Silence nymvisor's own log entries (not the node's).",
          .label = {.text = "disable nymvisor logs:", .line = 4},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(nymvisor, upgrade_data_directory),
          .env_var = "NYMVISOR_UPGRADE_DATA_DIRECTORY",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--upgrade-data-directory",
                   .help = "Directory for binaries and the plan",
                   .default_text = "<home>/nymvisor"},
          .comment = "Where binaries and the upgrade plan live. Empty: <daemon home>/nymvisor.",
          .label = {.text = "CUSTOM upgrade data directory", .line = 5},
          .change = kAgentRestart,
          .check = CheckUpgradeDataDirectory,
      },
      {
          NV_FIELD(nymvisor, metrics_textfile),
          .env_var = "NYMVISOR_METRICS_TEXTFILE",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--metrics-textfile",
                   .help = "Prometheus textfile (node_exporter) for the agent's metrics",
                   .default_text = "none"},
          .comment =
              "Prometheus textfile for node_exporter's textfile collector. Empty: no metrics.",
          .label = {.text = "metrics textfile:", .line = 24},
          // The agent's unit may write only where its drop-in said at its start.
          .change = kAgentRestart,
          .check = CheckMetricsTextfile,
      },
      {
          NV_FIELD(nymvisor, trusted_keys),
          .env_var = "NYMVISOR_TRUSTED_KEYS",
          .kind = ValueKind::kList,
          .init = {.name = "--trusted-keys",
                   .help = "minisign public keys trusted for upstream signatures (comma-separated)",
                   .default_text = "none"},
          .comment = "minisign public keys trusted to sign upgrade info and binaries. Empty: "
                     "signatures are not checked.",
          .label = {.text = "trusted keys:", .line = 30},
          .change = kReload,
          .check = CheckTrustedKeys,
      },
      {
          NV_FIELD(nymvisor, require_signature),
          .env_var = "NYMVISOR_REQUIRE_SIGNATURE",
          .kind = ValueKind::kBool,
          .init = {.name = "--require-signature",
                   .help = "Refuse upgrades not signed by a trusted key",
                   .form = FlagForm::kBare},
          .comment = "Refuse upgrades not signed by one of the trusted keys above.",
          .label = {.text = "require signature:", .line = 31},
          .change = kReload,
          .check = CheckRequireSignature,
      },
      {
          NV_FIELD(nymvisor, upstream_source),
          .env_var = "NYMVISOR_UPSTREAM_SOURCE",
          .init = {.name = "--upstream-source",
                   .help = "Where upgrades come from: upgrade-info or github"},
          .comment = "Where upgrades come from: upgrade-info (the URL above) or github (the "
                     "releases below).",
          .label = {.text = "upstream source:", .line = 25},
          .change = kReload,
          .check = CheckUpstreamSource,
      },
      {
          NV_FIELD(nymvisor, github_repository),
          .env_var = "NYMVISOR_GITHUB_REPOSITORY",
          .init = {.name = "--github-repository",
                   .help = "GitHub repository whose releases are followed (owner/name)"},
          .comment = "With github: the repository whose releases are followed.",
          .label = {.text = "github repository:", .line = 26},
          .change = kReload,
          .check = CheckGithubRepository,
      },
      {
          NV_FIELD(nymvisor, github_tag_prefix),
          .env_var = "NYMVISOR_GITHUB_TAG_PREFIX",
          .init = {.name = "--github-tag-prefix",
                   .help = "Tag prefix of the release train followed"},
          .comment = "With github: the tag prefix of the release train.",
          .label = {.text = "github tag prefix:", .line = 27},
          .change = kReload,
          .check = AnyValue,
      },
      {
          NV_FIELD(nymvisor, github_api_url),
          .env_var = "NYMVISOR_GITHUB_API_URL",
          .kind = ValueKind::kUrl,
          .init = {.name = "--github-api-url",
                   .help = "GitHub REST API base URL (GitHub Enterprise, tests)"},
          .comment = "With github: the REST API's base URL.",
          .label = {.text = "github api url:", .line = 28},
          .change = kReload,
          .check = CheckGithubApiUrl,
      },
      {
          NV_FIELD(nymvisor, min_release_age),
          .env_var = "NYMVISOR_MIN_RELEASE_AGE",
          .kind = ValueKind::kDuration,
          .init = {.name = "--min-release-age",
                   .help = "Wait at least this long after a release's publication, e.g. 2d"},
          .comment = "No upgrade is applied before its publication time plus this.",
          .label = {.text = "min release age:", .line = 29},
          .change = kReload,
          .check = AnyValue,
          .alias = {.name = "github_upgrade_delay",
                    .env_var = "NYMVISOR_GITHUB_UPGRADE_DELAY",
                    .flag = "--github-upgrade-delay"},
      },
      {
          NV_FIELD(nymvisor, upgrade_windows),
          .env_var = "NYMVISOR_UPGRADE_WINDOWS",
          .kind = ValueKind::kList,
          .init = {.name = "--upgrade-window",
                   .help = "A maintenance window, [DAYS ]HH:MM-HH:MM (repeatable; '' clears)",
                   .default_text = "any time"},
          .comment = "Maintenance windows, '[DAYS ]HH:MM-HH:MM' (e.g. 'Mon..Fri 02:00-04:00') "
                     "in upgrade_time_zone. Empty: upgrades may happen at any time.",
          .label = {.text = "upgrade windows:", .line = 32},
          .change = kReload,
          .check = CheckUpgradeWindows,
          .list_separator = ';',
      },
      {
          NV_FIELD(nymvisor, upgrade_time_zone),
          .env_var = "NYMVISOR_UPGRADE_TIME_ZONE",
          .init = {.name = "--upgrade-time-zone",
                   .help = "Time zone of the upgrade windows: an IANA name, UTC or localtime"},
          .comment = "The time zone of upgrade_windows: an IANA name (Europe/Berlin), UTC or "
                     "localtime.",
          .label = {.text = "upgrade time zone:", .line = 33},
          .change = kReload,
          .check = CheckUpgradeTimeZone,
      },
      {
          NV_FIELD(nymvisor, rollout_spread),
          .env_var = "NYMVISOR_ROLLOUT_SPREAD",
          .kind = ValueKind::kDuration,
          .init = {.name = "--rollout-spread",
                   .help = "Spread this instance's upgrades over up to this long, e.g. 6h"},
          .comment = "Each instance applies a due upgrade at its own offset in [0, this), from "
                     "/etc/machine-id and its id.",
          .label = {.text = "rollout spread:", .line = 34},
          .change = kReload,
          .check = AnyValue,
      },
  };
}

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

/// The [daemon] table's keys that are ours, in config.toml's order.
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

}  // namespace

const std::vector<ConfigKey>& AllConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> all = NymvisorKeys();
    for (auto part : {OriginalDaemonKeys(), OurDaemonKeys()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return keys;
}

}  // namespace nymvisor
