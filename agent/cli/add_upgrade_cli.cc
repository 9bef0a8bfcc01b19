#include "agent/cli/add_upgrade_cli.h"

namespace nymvisor {

AddUpgradeCli::AddUpgradeCli(CLI::App* parent, Invocation* inv) : inv_(inv) {
  app_ = parent->add_subcommand("add-upgrade",
                                "Queue an upgrade to a binary you provide, or attach the binary "
                                "to an upgrade that is already known");
  app_->add_option("DAEMON_BINARY", flags_.daemon_binary, "Path to the new executable")
      ->required()
      ->type_name("PATH");
  app_->add_option("--upgrade-name", flags_.upgrade_name, "Name of the upgrade")->required();
  AddIdOption(app_, inv);
  app_->add_flag("--force", flags_.force, "Replace an existing binary, record or queued entry");
  auto* add_binary = app_->add_flag("--add-binary", flags_.add_binary,
                                    "Only attach the binary to an existing upgrade-info.json");
  auto* now = app_->add_flag("--now", flags_.now, "Perform the upgrade now");
  auto* time =
      AddRaw(app_, &raw_, "--upgrade-time", "Time of the upgrade, e.g. 2026-12-24T06:00:00Z")
          ->option->type_name("RFC3339");
  auto* delay = AddRaw(app_, &raw_, "--upgrade-delay",
                       "Delay from now until the upgrade, e.g. 30m [default: 15m when neither "
                       "--now nor --upgrade-time is given]")
                    ->option->type_name("DURATION");
  auto* publish = AddRaw(app_, &raw_, "--publish-date", "Publish date [default: now]")
                      ->option->type_name("RFC3339");
  AddRaw(app_, &raw_, "--build-info-timeout",
         "Time limit for the binary's build-info [default: 30s]")
      ->option->type_name("DURATION");
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
  // Root copies the binary where the node's account can read it, then does
  // everything else (probe, copy, records) as that account.
  AddUpgradeFlags flags = flags_;
  NV_ASSIGN_OR_RETURN(auto staged,
                      StageOperatorBinary(*inv_, NodeAccount(loaded.config, inv_->ctx.files),
                                          &flags.daemon_binary));
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(*inv_, loaded.config, /*writes=*/true));
  AddUpgradeDeps deps{.files = inv_->ctx.files,
                      .processes = inv_->ctx.processes,
                      .clock = inv_->ctx.clock,
                      .warnings = inv_->ctx.err};
  NV_ASSIGN_OR_RETURN(UpgradeInfo added, RunAddUpgrade(flags, loaded.config, deps));
  as_node.End();
  std::ostream& err = inv_->ctx.err;
  if (flags_.add_binary) {
    err << "attached the binary of " << added.version << " to upgrade " << added.name << "\n";
  } else {
    err << "queued upgrade " << added.name << " (" << added.version << ") for "
        << FormatTimestamp(added.upgrade_time) << "\n";
  }
  NudgeAgent(loaded.config.nymvisor.id);
  return {};
}

void AddUpgradeCli::NudgeAgent(const std::string& id) {
  std::ostream& err = inv_->ctx.err;
  Result<std::unique_ptr<ControlClient>> client = ConnectAgent(*inv_, id);
  if (!client.ok()) {
    err << "no agent is running for '" << id << "'; it reads the plan when it starts\n";
    return;
  }
  Status st = (*client)->Reload();
  if (st.ok()) {
    err << "the running agent re-read the plan\n";
  } else {
    err << "the running agent will see it when it next reads the plan (" << st.message() << ")\n";
  }
}

}  // namespace nymvisor
