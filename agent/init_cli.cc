#include "agent/init_cli.h"

#include "agent/config_keys.h"

namespace nymvisor {

InitCli::InitCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand("init", "Initialise a nymvisor instance for a daemon binary");
  app_->add_option("DAEMON_BINARY", flags_.daemon_binary, "Path to the daemon's executable")
      ->required();
  app_->add_option("DAEMON_ARGS", flags_.daemon_args,
                   "Arguments the daemon is started with (after --)");
  Add("--id", "Identifier of this nymvisor instance [default: <daemon name>-default]");
  Add("--upstream-base-upgrade-url", "Base URL of upstream upgrade information");
  Add("--upstream-polling-rate", "How often to poll upstream, e.g. 1h or 90s [default: 1h]");
  app_->add_flag("--disable-nymvisor-logs", flags_.disable_nymvisor_logs,
                 "Disable nymvisor's own logs");
  Add("--upgrade-data-directory", "Directory for binaries and the plan [default: <home>/nymvisor]");
  Add("--daemon-home", "The daemon's home directory (or DAEMON_HOME)");
  Add("--daemon-absolute-upstream-upgrade-url", "Full upgrade-info URL, replacing the base URL");
  Add("--allow-download-upgrade-binaries", "true/false: download new binaries [default: true]");
  Add("--enforce-download-checksum", "true/false: require checksums [default: true]");
  Add("--restart-daemon-after-upgrade",
      "true/false: start the daemon after an upgrade [default: true]");
  app_->add_flag("--restart-daemon-on-failure", flags_.restart_daemon_on_failure,
                 "Restart the daemon when it fails");
  Add("--on-failure-daemon-restart-delay",
      "Delay before restarting a failed daemon [default: 10s]");
  Add("--max-daemon-startup-failures", "Failed starts allowed in the startup period [default: 10]");
  Add("--startup-period-duration", "Length of the startup period [default: 2m]");
  Add("--daemon-shutdown-grace-period", "Time between SIGINT and SIGKILL [default: 10s]");
  Add("--daemon-backup-data-directory", "Backup directory [default: <home>/nymvisor/backups]");
  app_->add_flag("--unsafe-skip-backup", flags_.unsafe_skip_backup,
                 "Upgrade without backing up the daemon's data");
  Add("--daemon-unit", "systemd unit running the daemon [default: nymvisor-daemon@<id>.service]");
  Add("--daemon-user", "Account the daemon runs as [default: owner of the daemon home]");
  Add("--backups-to-keep", "Pre-upgrade backups to keep [default: 3]");
  Add("--health-check-period",
      "How long a new version must stay healthy [default: the startup period]");
  Add("--build-info-timeout", "Time limit for the binary's build-info [default: 30s]");
  AddOutputOption(app_, inv);
}

Status InitCli::Run() {
  NV_RETURN_IF_ERROR(ConvertFlags());
  InitDeps deps{inv_->ctx.files, inv_->ctx.runner, inv_->ctx.clock, UserExists};
  NV_ASSIGN_OR_RETURN(InitResult result, RunInit(flags_, inv_->Locator(), inv_->Env(), deps));
  for (const std::string& note : result.notes) inv_->ctx.err << "note: " << note << "\n";
  inv_->ctx.err << "nymvisor instance '" << result.config.nymvisor.id
                << "' initialised; config written to " << result.config_path.string() << "\n";
  ApplyToSystemd(result);
  PrintConfig(*inv_, result.config);
  return {};
}

void InitCli::ApplyToSystemd(const InitResult& result) {
  std::ostream& err = inv_->ctx.err;
  const std::string& id = result.config.nymvisor.id;
  if (!inv_->ctx.is_root || !inv_->ctx.reload_systemd) return;
  if (result.config_path != inv_->ctx.etc_dir / (id + ".toml")) {
    err << "note: the units only see configs in " << inv_->ctx.etc_dir.string()
        << "; set NYMVISOR_CONFIG_PATH=" << result.config_path.string() << " in "
        << (inv_->ctx.etc_dir / (id + ".env")).string() << "\n";
  }
  Status reloaded = inv_->ctx.reload_systemd();
  if (reloaded.IsNotFound()) return;
  if (!reloaded.ok()) {
    err << "warning: " << reloaded.message() << "; run 'systemctl daemon-reload'\n";
    return;
  }
  err << "systemd reloaded: " << EffectiveUnit(result.config) << " runs the node as "
      << result.config.daemon.user << "; start it with 'systemctl enable --now nymvisor@" << id
      << "'\n";
}

Status InitCli::ConvertFlags() {
  InitFlags& f = flags_;
  NV_RETURN_IF_ERROR(Convert(raw_["--id"], "--id", AsText, &f.id));
  NV_RETURN_IF_ERROR(Convert(raw_["--upstream-base-upgrade-url"], "--upstream-base-upgrade-url",
                             AsText, &f.upstream_base_upgrade_url));
  NV_RETURN_IF_ERROR(Convert(raw_["--upstream-polling-rate"], "--upstream-polling-rate",
                             ParseDuration, &f.upstream_polling_rate));
  NV_RETURN_IF_ERROR(Convert(raw_["--upgrade-data-directory"], "--upgrade-data-directory", AsText,
                             &f.upgrade_data_directory));
  NV_RETURN_IF_ERROR(Convert(raw_["--daemon-home"], "--daemon-home", AsText, &f.daemon_home));
  NV_RETURN_IF_ERROR(Convert(raw_["--daemon-absolute-upstream-upgrade-url"],
                             "--daemon-absolute-upstream-upgrade-url", AsText,
                             &f.daemon_absolute_upstream_upgrade_url));
  NV_RETURN_IF_ERROR(ConvertBools());
  NV_RETURN_IF_ERROR(ConvertDurations());
  NV_RETURN_IF_ERROR(Convert(raw_["--max-daemon-startup-failures"], "--max-daemon-startup-failures",
                             ParseCountText, &f.max_daemon_startup_failures));
  NV_RETURN_IF_ERROR(Convert(raw_["--daemon-backup-data-directory"],
                             "--daemon-backup-data-directory", AsText,
                             &f.daemon_backup_data_directory));
  NV_RETURN_IF_ERROR(Convert(raw_["--daemon-unit"], "--daemon-unit", AsText, &f.daemon_unit));
  NV_RETURN_IF_ERROR(
      Convert(raw_["--backups-to-keep"], "--backups-to-keep", ParseCountText, &f.backups_to_keep));
  return Convert(raw_["--daemon-user"], "--daemon-user", AsText, &f.daemon_user);
}

Status InitCli::ConvertBools() {
  for (auto [flag, field] :
       {std::pair{"--allow-download-upgrade-binaries", &flags_.allow_download_upgrade_binaries},
        std::pair{"--enforce-download-checksum", &flags_.enforce_download_checksum},
        std::pair{"--restart-daemon-after-upgrade", &flags_.restart_daemon_after_upgrade}}) {
    NV_RETURN_IF_ERROR(Convert(raw_[flag], flag, ParseBoolText, field));
  }
  return {};
}

Status InitCli::ConvertDurations() {
  for (auto [flag, field] :
       {std::pair{"--on-failure-daemon-restart-delay", &flags_.on_failure_daemon_restart_delay},
        std::pair{"--startup-period-duration", &flags_.startup_period_duration},
        std::pair{"--daemon-shutdown-grace-period", &flags_.daemon_shutdown_grace_period},
        std::pair{"--health-check-period", &flags_.health_check_period}}) {
    NV_RETURN_IF_ERROR(Convert(raw_[flag], flag, ParseDuration, field));
  }
  std::optional<Duration> timeout;
  NV_RETURN_IF_ERROR(
      Convert(raw_["--build-info-timeout"], "--build-info-timeout", ParseDuration, &timeout));
  if (timeout) flags_.build_info_timeout = *timeout;
  return {};
}

}  // namespace nymvisor
