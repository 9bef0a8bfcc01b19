#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/duration.h"
#include "agent/base/status.h"
#include "agent/records/layout.h"

namespace nymvisor {

using namespace std::chrono_literals;

/// The [nymvisor] table of config.toml. Empty strings mean "unset", as the
/// original writes unset options as ''.
struct NymvisorSection {
  std::string id;
  std::string upstream_base_upgrade_url = "https://nymtech.net/.wellknown/";
  Duration upstream_polling_rate = 1h;
  bool disable_logs = false;
  std::string upgrade_data_directory;  ///< unset: <daemon.home>/nymvisor
  std::string metrics_textfile;        ///< ours: Prometheus textfile; unset: no metrics
  /// Ours: minisign public keys (their "RW..." line) whose signatures on
  /// upgrade-info.json and binaries are trusted; empty: none are checked.
  std::vector<std::string> trusted_keys;
  bool require_signature = false;  ///< ours: refuse what is not signed by a trusted key
  /// Ours: where upgrades come from: "upgrade-info" (the original's
  /// upgrade-info.json) or "github" (the releases of github_repository).
  /// github for a new instance; config/upstream_source.h keeps upgrade-info
  /// for one whose settings name an upgrade-info URL.
  std::string upstream_source = "github";
  std::string github_repository = "nymtech/nym";
  std::string github_tag_prefix = "nym-binaries-v";        ///< the release train
  std::string github_api_url = "https://api.github.com/";  ///< kept normalised, as URLs are
  /// Ours: no upgrade is applied before its publication time plus this
  /// (github_upgrade_delay is its older name, still read).
  Duration min_release_age{};
  /// Ours: maintenance windows, `[DAYS ]HH:MM-HH:MM` in upgrade_time_zone;
  /// empty: upgrades may happen at any time.
  std::vector<std::string> upgrade_windows;
  std::string upgrade_time_zone = "UTC";  ///< ours: an IANA name, "UTC" or "localtime"
  /// Ours: each instance applies a due upgrade at its own offset in [0, this).
  Duration rollout_spread{};
  // Ours: fleet rollouts on etcd (docs/fleet.md). Without fleet_endpoints
  // the others must keep their defaults and nothing changes.
  std::vector<std::string> fleet_endpoints;  ///< etcd client URLs; empty: no fleet
  std::string fleet_group;                   ///< the group's key segment
  uint64_t fleet_max_unavailable = 1;        ///< slots of the group, read each time
  bool fleet_canary = false;                 ///< this host takes slots first
  Duration fleet_soak{};                     ///< after every canary committed
  std::string fleet_ca_file;                 ///< PEM CA for https endpoints
  std::string fleet_cert_file;               ///< client certificate (with the key)
  std::string fleet_key_file;                ///< client key (with the certificate)
  /// The systemd credential (a name under $CREDENTIALS_DIRECTORY) or a
  /// root-only file (an absolute path) holding "user:password" for etcd.
  std::string fleet_credential = "nymvisor-fleet";
  std::string fleet_on_unreachable = "wait";  ///< wait | proceed
  bool operator==(const NymvisorSection&) const = default;
};

/// The [daemon] table. `unit`, `args`, `user`, `backups_to_keep`,
/// `max_download_size_mib` and `health_check_period` are ours; the rest is
/// the original's.
struct DaemonSection {
  std::string name;
  std::string home;
  std::string absolute_upstream_upgrade_url;  ///< unset: derived from the base URL
  bool allow_binaries_download = true;
  bool enforce_download_checksum = true;
  bool restart_after_upgrade = true;
  /// True by default, as the original's documentation says (its code
  /// defaults to false): a crashed node is restarted by systemd.
  bool restart_on_failure = true;
  Duration failure_restart_delay = 10s;
  /// A Rust usize in the original; the drop-in's StartLimitBurst= (an unsigned
  /// int in systemd) saturates at 4294967295.
  uint64_t max_startup_failures = 10;
  Duration startup_period_duration = 120s;
  Duration shutdown_grace_period = 10s;
  std::string backup_data_directory;  ///< unset: <home>/nymvisor/backups
  bool unsafe_skip_backup = false;
  std::string unit;  ///< unset: nymvisor-daemon@<id>.service
  std::vector<std::string> args;
  std::string user;  ///< unset: the owner of `home`, resolved by init
  uint64_t backups_to_keep = 3;
  /// A downloaded binary larger than this (MiB) is refused: upstream cannot
  /// fill the disk. At least 1.
  uint64_t max_download_size_mib = 512;
  Duration health_check_period = Duration::zero();  ///< unset: startup_period_duration
  /// Ours: a command (split like ExecStart=, no shell) asked just before an
  /// upgrade: 0 idle, 1 busy (postponed a minute); unset: never busy.
  std::string busy_check;
  /// Ours: how long after an upgrade became due a busy node (or a
  /// pre_upgrade_command's 75) may postpone it.
  Duration busy_deadline = 6h;
  /// Ours: run before the stop: 0 go, 75 wait like busy, else refuse.
  std::string pre_upgrade_command;
  /// Ours: run after every commit, rollback, refusal or failure.
  std::string post_upgrade_command;
  /// Ours: a URL on the node that must answer 2xx during the health check
  /// (nym-node: http://127.0.0.1:8080/api/v1/health); unset: not asked.
  std::string health_check_url;
  /// Ours: a URL on the node whose JSON `build_version` must be the new
  /// version (nym-node: /api/v1/build-information); unset: not asked.
  std::string build_info_url;
  bool operator==(const DaemonSection&) const = default;
};

/// One nymvisor instance's configuration. Plain value; precedence (defaults <
/// file < environment, or defaults < flags < environment at init) is applied by
/// the code that builds it.
struct Config {
  NymvisorSection nymvisor;
  DaemonSection daemon;
  bool operator==(const Config&) const = default;
};

/// Defaults for a daemon called `daemon_name`; the id is "<daemon_name>-default".
Config DefaultConfig(const std::string& daemon_name);

/// The upgrade-info URL: daemon.absolute_upstream_upgrade_url, or
/// <base>/<daemon name>/upgrade-info.json.
Result<std::string> UpgradeInfoUrl(const Config& config);

/// The systemd unit that runs the node: daemon.unit, or the default for the id.
std::string EffectiveUnit(const Config& config);

/// How long a new version must stay healthy before an upgrade is committed.
Duration HealthCheckPeriod(const Config& config);

/// How much of a maintenance window an upgrade needs: the node's stop
/// (shutdown_grace_period), 30 s to start, and the health period. A window
/// shorter than this is refused; an upgrade starts only this long before a
/// window's end.
Duration UpgradeWindowNeeds(const Config& config);

/// The instance id becomes a file name and a systemd instance name, so it is
/// limited to [A-Za-z0-9_.:-], does not start with '.', and is at most 128 long.
Status ValidateInstanceId(std::string_view id);

/// Every path of the instance, from daemon.home, the data and backup
/// directories and daemon.name.
Layout MakeLayout(const Config& config);

/// Checks what the keys' types cannot: no control characters anywhere, then
/// each key's own check (its row's `check`, in the table's order): required
/// values, a polling rate of at least 2s, valid URLs, an absolute home, a
/// ".service" unit. The first error is returned; it names the key.
Status ValidateConfig(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_H_
