#include "agent/cli/add_upgrade_cli.h"

namespace nymvisor {

AddUpgradeCli::AddUpgradeCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand("add-upgrade",
                                "Queue an upgrade to a binary you provide, or attach the binary "
                                "to an upgrade that is already known");
  app_->add_option("DAEMON_BINARY", flags_.daemon_binary, "Path to the new executable")->required();
  app_->add_option("--upgrade-name", flags_.upgrade_name, "Name of the upgrade")->required();
  app_->add_flag("--force", flags_.force, "Replace an existing binary, record or queued entry");
  auto* add_binary = app_->add_flag("--add-binary", flags_.add_binary,
                                    "Only attach the binary to an existing upgrade-info.json");
  auto* now = app_->add_flag("--now", flags_.now, "Perform the upgrade now");
  auto* time = AddRaw(app_, &raw_, "--upgrade-time", "RFC 3339 time of the upgrade")->option;
  auto* delay = AddRaw(app_, &raw_, "--upgrade-delay", "Delay until the upgrade, e.g. 30m")->option;
  auto* publish =
      AddRaw(app_, &raw_, "--publish-date", "RFC 3339 publish date [default: now]")->option;
  AddRaw(app_, &raw_, "--build-info-timeout",
         "Time limit for the binary's build-info [default: 30s]");
  now->excludes(time)->excludes(delay)->excludes(add_binary);
  time->excludes(delay)->excludes(add_binary);
  delay->excludes(add_binary);
  publish->excludes(add_binary);
  AddOutputOption(app_, inv);
}

Status AddUpgradeCli::ConvertFlags() {
  NV_RETURN_IF_ERROR(
      Convert(raw_["--upgrade-time"], "--upgrade-time", ParseTimestamp, &flags_.upgrade_time));
  NV_RETURN_IF_ERROR(
      Convert(raw_["--upgrade-delay"], "--upgrade-delay", ParseDuration, &flags_.upgrade_delay));
  constexpr Duration kMaxDelay = std::chrono::years(100);
  if (flags_.upgrade_delay && *flags_.upgrade_delay > kMaxDelay) {
    return Status::Usage("--upgrade-delay: at most 100 years");
  }
  NV_RETURN_IF_ERROR(
      Convert(raw_["--publish-date"], "--publish-date", ParseTimestamp, &flags_.publish_date));
  std::optional<Duration> timeout;
  NV_RETURN_IF_ERROR(
      Convert(raw_["--build-info-timeout"], "--build-info-timeout", ParseDuration, &timeout));
  if (timeout) flags_.build_info_timeout = *timeout;
  return {};
}

Status AddUpgradeCli::Run() {
  NV_RETURN_IF_ERROR(ConvertFlags());
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(*inv_));
  AddUpgradeDeps deps{inv_->ctx.files, inv_->ctx.processes, inv_->ctx.clock, inv_->ctx.err};
  return RunAddUpgrade(flags_, loaded.config, deps);
}

}  // namespace nymvisor
