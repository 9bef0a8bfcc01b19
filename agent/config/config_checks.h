#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_CHECKS_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_CHECKS_H_

#include "agent/base/status.h"
#include "agent/config/config.h"

namespace nymvisor {

// The checks of the keys' rows in AllConfigKeys() (KeyCheck): each checks
// one key, whose "section.name: " starts its error, and says what to give.

/// For a key whose type says it all (a bool, any text, any duration).
Status AnyValue(const Config& config);

/// nymvisor.id: a file name and a systemd instance name (ValidateInstanceId).
Status CheckInstanceId(const Config& config);
/// nymvisor.upstream_base_upgrade_url: an http(s) URL.
Status CheckBaseUpgradeUrl(const Config& config);
/// nymvisor.upstream_polling_rate: at least 2s, so upstream is not hammered.
Status CheckPollingRate(const Config& config);
/// nymvisor.upgrade_data_directory: unset or absolute.
Status CheckUpgradeDataDirectory(const Config& config);
/// nymvisor.metrics_textfile: unset, or an absolute path ending in .prom.
Status CheckMetricsTextfile(const Config& config);
/// nymvisor.trusted_keys: each a minisign public key line.
Status CheckTrustedKeys(const Config& config);
/// nymvisor.require_signature: can be met (keys given, a source that signs).
Status CheckRequireSignature(const Config& config);
/// nymvisor.upstream_source: upgrade-info or github.
Status CheckUpstreamSource(const Config& config);
/// nymvisor.github_repository: owner/name.
Status CheckGithubRepository(const Config& config);
/// nymvisor.github_api_url: an http(s) URL.
Status CheckGithubApiUrl(const Config& config);
/// daemon.name: a file name.
Status CheckDaemonName(const Config& config);
/// daemon.home: absolute, not a system directory or a pseudo filesystem.
Status CheckHome(const Config& config);
/// daemon.absolute_upstream_upgrade_url: unset or an http(s) URL.
Status CheckAbsoluteUpgradeUrl(const Config& config);
/// daemon.startup_period_duration: at least 1s.
Status CheckStartupPeriod(const Config& config);
/// daemon.shutdown_grace_period: at least 1s.
Status CheckShutdownGracePeriod(const Config& config);
/// daemon.backup_data_directory: unset or absolute.
Status CheckBackupDataDirectory(const Config& config);
/// daemon.unit: the effective unit is a systemd service name.
Status CheckUnit(const Config& config);
/// daemon.user: unset or an account name.
Status CheckUser(const Config& config);
/// daemon.max_download_size_mib: at least 1.
Status CheckMaxDownloadSize(const Config& config);
/// daemon.health_check_period: unset or at least 1s.
Status CheckHealthCheckPeriod(const Config& config);
/// daemon.health_check_url: unset, or an http(s) URL on a loopback or
/// literal IP host without credentials (ValidateNodeApiUrl).
Status CheckHealthCheckUrl(const Config& config);
/// daemon.build_info_url: as daemon.health_check_url.
Status CheckBuildInfoUrl(const Config& config);

/// busy_check, pre_upgrade_command, post_upgrade_command: unset, or a
/// command SplitCommandLine accepts (an absolute program, no variables).
Status CheckBusyCheck(const Config& config);
Status CheckPreUpgradeCommand(const Config& config);
Status CheckPostUpgradeCommand(const Config& config);
/// busy_deadline: at least 1s (0 would make every busy answer a go).
Status CheckBusyDeadline(const Config& config);
/// nymvisor.upgrade_windows: each `[DAYS ]HH:MM-HH:MM`, and at least as
/// long as an upgrade needs (UpgradeWindowNeeds).
Status CheckUpgradeWindows(const Config& config);
/// nymvisor.upgrade_time_zone: "UTC", "localtime" or a zone tzdata knows.
Status CheckUpgradeTimeZone(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_CHECKS_H_
