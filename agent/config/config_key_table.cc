// The table of config keys: one row per key, everything about it.
#include "agent/config/config_checks.h"
#include "agent/config/config_key_rows.h"
#include "agent/config/config_keys.h"
#include "agent/config/fleet_config_checks.h"

namespace nymvisor {
namespace {

// The [nymvisor] rows; the [daemon] rows are config_key_table_daemon.cc's
// and config_key_table_policy.cc's (config_key_rows.h).
using key_rows::kAgentRestart;
using key_rows::kAgentRestartAndNodeStart;
using key_rows::kReload;
using key_rows::kReloadAndNodeStart;

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
      // Fleet rollouts on etcd (docs/fleet.md): inert without fleet_endpoints.
      {
          NV_FIELD(nymvisor, fleet_endpoints),
          .env_var = "NYMVISOR_FLEET_ENDPOINTS",
          .kind = ValueKind::kList,
          .init = {.name = "--fleet-endpoints",
                   .help = "etcd client URLs of the fleet (comma-separated); none: no fleet",
                   .default_text = "none"},
          .comment = "etcd client URLs (http(s)://host:port) coordinating upgrades across hosts. "
                     "Empty: this instance upgrades on its own.",
          .label = {.text = "fleet endpoints:", .line = 41},
          .change = kAgentRestart,
          .check = CheckFleetEndpoints,
      },
      {
          NV_FIELD(nymvisor, fleet_group),
          .env_var = "NYMVISOR_FLEET_GROUP",
          .optional = true,
          .init = {.name = "--fleet-group",
                   .help = "The group of hosts that upgrade in turn",
                   .default_text = "none"},
          .comment = "The group of hosts that upgrade in turn ([A-Za-z0-9._-]); required with "
                     "fleet_endpoints.",
          .label = {.text = "fleet group:", .line = 42},
          .change = kAgentRestart,
          .check = CheckFleetGroup,
      },
      {
          NV_FIELD(nymvisor, fleet_max_unavailable),
          .env_var = "NYMVISOR_FLEET_MAX_UNAVAILABLE",
          .kind = ValueKind::kCount,
          .init = {.name = "--fleet-max-unavailable",
                   .help = "How many hosts of the group may upgrade at once"},
          .comment = "How many hosts of the group may upgrade at once (read from here each "
                     "time, never stored in etcd).",
          .label = {.text = "fleet max unavailable:", .line = 43},
          .change = kReload,
          .check = CheckFleetMaxUnavailable,
      },
      {
          NV_FIELD(nymvisor, fleet_canary),
          .env_var = "NYMVISOR_FLEET_CANARY",
          .kind = ValueKind::kBool,
          .init = {.name = "--fleet-canary",
                   .help = "This host upgrades before the rest of its group",
                   .form = FlagForm::kBare},
          .comment = "This host is a canary: it upgrades first; the rest wait until every "
                     "canary committed, plus fleet_soak.",
          .label = {.text = "fleet canary:", .line = 44},
          .change = kReload,
          .check = CheckFleetCanary,
      },
      {
          NV_FIELD(nymvisor, fleet_soak),
          .env_var = "NYMVISOR_FLEET_SOAK",
          .kind = ValueKind::kDuration,
          .init = {.name = "--fleet-soak",
                   .help = "How long the rest wait after the canaries committed, e.g. 1h"},
          .comment = "How long the hosts that are not canaries wait after the last canary "
                     "committed a version.",
          .label = {.text = "fleet soak:", .line = 45},
          .change = kReload,
          .check = CheckFleetSoak,
      },
      {
          NV_FIELD(nymvisor, fleet_ca_file),
          .env_var = "NYMVISOR_FLEET_CA_FILE",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--fleet-ca-file",
                   .help = "PEM CA that signed etcd's certificate",
                   .default_text = "the system's CAs"},
          .comment = "PEM file of the CA that signed etcd's certificate. Empty: the system's CAs.",
          .label = {.text = "fleet ca file:", .line = 46},
          .change = kAgentRestart,
          .check = CheckFleetCaFile,
      },
      {
          NV_FIELD(nymvisor, fleet_cert_file),
          .env_var = "NYMVISOR_FLEET_CERT_FILE",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--fleet-cert-file",
                   .help = "PEM client certificate for etcd (with --fleet-key-file)",
                   .default_text = "none"},
          .comment = "PEM client certificate for etcd, given with fleet_key_file. Empty: none.",
          .label = {.text = "fleet cert file:", .line = 47},
          .change = kAgentRestart,
          .check = CheckFleetCertFile,
      },
      {
          NV_FIELD(nymvisor, fleet_key_file),
          .env_var = "NYMVISOR_FLEET_KEY_FILE",
          .kind = ValueKind::kPath,
          .optional = true,
          .init = {.name = "--fleet-key-file",
                   .help = "PEM key of the client certificate (root-only)",
                   .default_text = "none"},
          .comment = "PEM key of fleet_cert_file (a root-only file). Empty: none.",
          .label = {.text = "fleet key file:", .line = 48},
          .change = kAgentRestart,
          .check = CheckFleetKeyFile,
      },
      {
          // No variable: the etcd password is read from the credential only,
          // never passed through the environment.
          NV_FIELD(nymvisor, fleet_credential),
          .init = {.name = "--fleet-credential",
                   .help = "systemd credential name (or root-only file) with etcd's user:password"},
          .comment = "The systemd credential holding 'user:password' for etcd "
                     "(LoadCredential=nymvisor-fleet:/etc/nymvisor/fleet.cred), or an absolute "
                     "path to a root-only file. Missing: no etcd authentication.",
          .label = {.text = "fleet credential:", .line = 49},
          .change = kAgentRestart,
          .check = CheckFleetCredential,
      },
      {
          NV_FIELD(nymvisor, fleet_on_unreachable),
          .env_var = "NYMVISOR_FLEET_ON_UNREACHABLE",
          .init = {.name = "--fleet-on-unreachable",
                   .help = "When etcd cannot be reached: wait or proceed"},
          .comment = "When etcd cannot be reached: wait (no new upgrade starts) or proceed "
                     "(upgrade without the group's consent).",
          .label = {.text = "fleet on unreachable:", .line = 50},
          .change = kReload,
          .check = CheckFleetOnUnreachable,
      },
  };
}

#undef NV_FIELD

}  // namespace

const std::vector<ConfigKey>& AllConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> all = NymvisorKeys();
    for (auto part : {key_rows::OriginalDaemonKeys(), key_rows::OurDaemonKeys(),
                      key_rows::GateKeys(), key_rows::NodeApiKeys()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return keys;
}

}  // namespace nymvisor
