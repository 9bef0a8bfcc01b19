#include "agent/cli/control_cli.h"

#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "agent/cli/rollback_list_command.h"
#include "agent/cli/status_command.h"
#include "agent/decide/upgrade_gate.h"
#include "agent/shell/record_store.h"

namespace nymvisor {
namespace {

/// Explains a failed call in the operator's terms.
Status Explain(const Status& st, const std::string& id) {
  if (st.IsDenied()) {
    return Status::Error("access denied: " + st.message() +
                         " (run it as root, or have an administrator grant the polkit action)");
  }
  if (st.IsNotFound()) {
    return Status::Error(st.message() + "; start it with 'systemctl start nymvisor@" + id + "'");
  }
  return st;
}

/// Who holds upgrades while no agent runs to ask the bus: "uid 0 (root)".
std::string DescribeCaller() {
  uid_t uid = ::getuid();
  const passwd* pw = ::getpwuid(uid);
  return "uid " + std::to_string(uid) + (pw ? " (" + std::string(pw->pw_name) + ")" : "") +
         ", while no agent ran";
}

}  // namespace

ControlCli::ControlCli(CLI::App* parent, Invocation* inv) : inv_(inv), parent_(parent) {
  CLI::App* status = Add("status", "Show what the agent does, at a glance", false);
  AddOutputOption(status, inv);
  CLI::App* history = Add("history", "List every upgrade, skip, refusal and rollback", false);
  AddOutputOption(history, inv);
  Add("check", "Ask upstream for new upgrades now", true);
  Add("apply-now", "Apply the next queued upgrade now (it must be staged)", true);
  Add("hold", "Apply no upgrade until 'nymvisor resume' (lasts across restarts)", true)
      ->add_option("--reason", reason_, "Why, for the journal and 'nymvisor status'");
  Add("resume", "End a hold; a due upgrade is applied at once", true);
  Add("skip", "Never apply this queued upgrade (recorded in the history)", true)
      ->add_option("NAME", upgrade_, "The queued upgrade to skip")
      ->required();
  Add("release-node",
      "After a failed rollback left the node down (see 'nymvisor status'), and once its data "
      "is checked: clear the record that keeps the node from starting",
      false)
      ->add_flag("--start", start_, "Start the node too");
  CLI::App* rollback =
      Add("rollback",
          "Go back to the version before the running one (or --to an older one), with its data "
          "restored from the backup taken when it was left, through the health check",
          true);
  rollback->add_flag("--list", list_,
                     "List the versions it can return to, with when each was left and its "
                     "backup's size (no agent needed)");
  rollback->add_option("--to", rollback_to_, "The upgrade name to return to, or 'genesis'")
      ->type_name("NAME");
  AddOutputOption(rollback, inv);
}

CLI::App* ControlCli::Add(const std::string& name, const std::string& help, bool mutating) {
  CLI::App* app = commands_[name] = parent_->add_subcommand(name, help);
  AddIdOption(app, inv_);
  if (mutating) {
    app->add_flag("--wait", wait_, "Follow the work to its end; the exit status is its result");
    app->add_option("--timeout", timeout_text_, "How long --wait follows it")
        ->type_name("DURATION")
        ->capture_default_str();
  }
  return app;
}

bool ControlCli::selected() const {
  for (const auto& [name, app] : commands_) {
    if (app->parsed()) return true;
  }
  return false;
}

Result<std::unique_ptr<ControlClient>> ControlCli::ConnectRaw(const std::string& id) {
  if (!inv_->ctx.connect_control) return Status::Error("no bus to reach the agent on");
  return inv_->ctx.connect_control(id);
}

Status ControlCli::Run(int* exit_code) {
  // A bad --timeout is refused before anything is asked of the agent.
  if (Result<Duration> timeout = ParseDuration(timeout_text_); !timeout.ok()) {
    return Status::Usage("--timeout: " + timeout.status().message() + " (for example 90s or 30m)");
  }
  std::optional<std::string> asked;
  if (!inv_->id.empty()) asked = inv_->id;
  NV_RETURN_IF_ERROR(CheckAskedInstance(*inv_, asked));
  std::optional<std::string> id = asked ? asked : inv_->Env()(kIdEnvVar);
  if (id && id->empty()) id.reset();
  if (commands_["status"]->parsed() && id) {
    if (Result<StatusSnapshot> status = AskAgent(*id); status.ok()) {
      return PrintStatus(*status, StatusSource::kAgent);
    }
  }
  bool listing = commands_["rollback"]->parsed() && list_;
  if (listing && (!rollback_to_.empty() || wait_)) {
    return Status::Usage("rollback --list only lists; run 'nymvisor rollback --to NAME' apart");
  }
  bool reads_files = commands_["status"]->parsed() || commands_["history"]->parsed() || listing;
  if (!reads_files && id) {
    // The agent is reached by its id alone: an operator who may not read the
    // instance's config can still ask it.
    Result<std::unique_ptr<ControlClient>> client = ConnectRaw(*id);
    if (client.ok()) return RunSelectedMutating(**client, *id, exit_code);
    if (!client.status().IsNotFound() || !WorksOffline()) return Explain(client.status(), *id);
  }
  NV_ASSIGN_OR_RETURN(LoadedConfig loaded, LoadConfigForCommand(*inv_, id));
  const Config& config = loaded.config;
  if (commands_["status"]->parsed()) return RunStatus(config);
  if (commands_["history"]->parsed()) return RunHistory(config);
  if (listing) return RunRollbackList(*inv_, config);
  Result<std::unique_ptr<ControlClient>> client = ConnectRaw(config.nymvisor.id);
  if (client.ok()) return RunSelectedMutating(**client, config.nymvisor.id, exit_code);
  if (client.status().IsNotFound() && WorksOffline()) return RunOffline(config);
  return Explain(client.status(), config.nymvisor.id);
}

bool ControlCli::WorksOffline() const {
  return commands_.at("hold")->parsed() || commands_.at("resume")->parsed() ||
         commands_.at("release-node")->parsed();
}

Status ControlCli::RunOffline(const Config& config) {
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(*inv_, config, /*writes=*/true));
  RecordStore store(inv_->ctx.files, MakeLayout(config));
  const std::string& id = config.nymvisor.id;
  std::string file = (MakeLayout(config).data_dir / "hold").string();
  if (commands_["release-node"]->parsed()) {
    NV_RETURN_IF_ERROR(store.ClearNodeDown());
    inv_->ctx.out << "the node of '" << id << "' may start again (no agent is running; "
                  << (start_ ? "" : "to start the node, ")
                  << "start the agent, which starts it: 'systemctl start nymvisor@" << id << "')\n";
    return {};
  }
  if (commands_["resume"]->parsed()) {
    NV_RETURN_IF_ERROR(store.ClearHold());
    inv_->ctx.out << "upgrades are resumed (no agent is running for '" << id
                  << "'; it finds no hold when it starts)\n";
    return {};
  }
  if (!store.LoadHold().ok()) {
    NV_RETURN_IF_ERROR(store.SaveHold({inv_->ctx.clock.Now(), reason_, DescribeCaller()}));
  }
  inv_->ctx.out << "upgrades are held; no agent is running for '" << id << "', so the hold is "
                << "recorded in " << file << " and the agent keeps it when it starts; "
                << "'nymvisor resume' ends it\n";
  return {};
}

Status ControlCli::RunSelectedMutating(ControlClient& client, const std::string& id,
                                       int* exit_code) {
  for (const auto& [name, app] : commands_) {
    if (app->parsed()) return Explain(RunMutating(name, client, exit_code), id);
  }
  return Status::Error("no command given");
}

Result<StatusSnapshot> ControlCli::AskAgent(const std::string& id) {
  if (!inv_->ctx.connect_control) return Status::NotFound("no bus");
  NV_ASSIGN_OR_RETURN(std::unique_ptr<ControlClient> client, inv_->ctx.connect_control(id));
  return client->GetStatus();
}

Status ControlCli::RunStatus(const Config& config) {
  if (Result<StatusSnapshot> status = AskAgent(config.nymvisor.id); status.ok()) {
    return PrintStatus(*status, StatusSource::kAgent);
  }
  inv_->ctx.err << "note: no agent answers for instance '" << config.nymvisor.id
                << "'; reading its files instead\n";
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(*inv_, config, /*writes=*/false));
  NV_ASSIGN_OR_RETURN(StatusSnapshot status, StatusFromFiles(config, inv_->ctx.files));
  return PrintStatus(status, StatusSource::kFiles);
}

Status ControlCli::PrintStatus(const StatusSnapshot& status, StatusSource source) {
  if (inv_->Json()) {
    Json j = StatusSnapshotToJson(status);
    j["source"] = source == StatusSource::kAgent ? "agent" : "files";
    if (source == StatusSource::kFiles) {
      // No agent ran a check or holds a state: say so rather than guess.
      j["state"] = "not-running";
      j["lastCheckTime"] = nullptr;
      j["lastCheckOk"] = nullptr;
      j["lastCheckResult"] = nullptr;
      std::string line = j["statusLine"];
      j["statusLine"] =
          line.starts_with("idle") ? "not running" + line.substr(4) : "not running, " + line;
    }
    inv_->ctx.out << DumpJsonCompact(j) << "\n";
    return {};
  }
  inv_->ctx.out << RenderStatus(status, inv_->ctx.clock.Now(), inv_->ctx.out_is_tty, source);
  return {};
}

Status ControlCli::RunHistory(const Config& config) {
  NV_ASSIGN_OR_RETURN(auto as_node, EnterNodeAccount(*inv_, config, /*writes=*/false));
  RecordStore store(inv_->ctx.files, MakeLayout(config));
  NV_ASSIGN_OR_RETURN(UpgradeHistory history, store.LoadHistory());
  if (inv_->Json()) {
    inv_->ctx.out << DumpJsonCompact(UpgradeHistoryToJson(history)) << "\n";
    return {};
  }
  inv_->ctx.out << RenderHistory(history);
  return {};
}

Status ControlCli::RunMutating(const std::string& command, ControlClient& client, int* exit_code) {
  std::ostream& out = inv_->ctx.out;
  if (command == "check") {
    NV_ASSIGN_OR_RETURN(StatusSnapshot before, client.GetStatus());
    NV_RETURN_IF_ERROR(client.CheckNow());
    out << "checking upstream\n";
    return wait_ ? WaitForCheck(client, before.last_check_time, exit_code) : Status();
  }
  if (command == "apply-now") {
    NV_ASSIGN_OR_RETURN(std::string upgrade, client.ApplyNow());
    bool started = true;
    NV_RETURN_IF_ERROR(WaitForPreHook(client, upgrade, &started, exit_code));
    if (!started) return {};
    out << "upgrade " << upgrade << " started\n";
    return wait_ ? WaitForUpgrade(client, upgrade, false, exit_code) : Status();
  }
  if (command == "rollback") {
    NV_ASSIGN_OR_RETURN(StatusSnapshot before, client.GetStatus());
    NV_ASSIGN_OR_RETURN(std::string version, client.Rollback(rollback_to_));
    out << "rolling back from " << before.current_version << " to " << version << "\n";
    return wait_ ? WaitForUpgrade(client, "", true, exit_code) : Status();
  }
  if (command == "hold") {
    NV_RETURN_IF_ERROR(client.Hold(reason_));
    out << "upgrades are held; 'nymvisor resume' ends the hold\n";
    return {};
  }
  if (command == "resume") {
    NV_RETURN_IF_ERROR(client.Resume());
    out << "upgrades are resumed\n";
    NV_ASSIGN_OR_RETURN(StatusSnapshot now, client.GetStatus());
    if (wait_ && now.step) return WaitForUpgrade(client, now.upgrade, false, exit_code);
    return {};
  }
  if (command == "release-node") {
    NV_RETURN_IF_ERROR(client.ReleaseNode(start_));
    out << "the node may start again" << (start_ ? "; starting it" : "") << "\n";
    return {};
  }
  NV_RETURN_IF_ERROR(client.Skip(upgrade_));
  out << "upgrade " << upgrade_ << " skipped; it is not applied and not queued again\n";
  return {};
}

void ControlCli::ShowProgress(const StatusSnapshot& status) {
  std::string line = FormatStatusLine(status);
  if (status.progress) {
    line = (inv_->ctx.out_is_tty ? ProgressBar(*status.progress)
                                 : std::to_string(*status.progress) + "%") +
           " " + line;
  }
  if (line == last_progress_) return;
  last_progress_ = line;
  if (inv_->ctx.out_is_tty) {
    inv_->ctx.out << "\r\033[K" << line << std::flush;
  } else {
    inv_->ctx.out << line << "\n";
  }
}

Status ControlCli::WaitForUpgrade(ControlClient& client, const std::string& upgrade, bool rollback,
                                  int* exit_code) {
  NV_ASSIGN_OR_RETURN(Duration timeout, ParseDuration(timeout_text_));
  std::optional<FinishedEvent> result;
  NV_RETURN_IF_ERROR(client.Follow(
      timeout, [&](const StatusSnapshot& s, const std::optional<FinishedEvent>& done) {
        ShowProgress(s);
        if (done && (upgrade.empty() || done->upgrade == upgrade || rollback)) result = done;
        return result.has_value();
      }));
  if (inv_->ctx.out_is_tty) inv_->ctx.out << "\n";
  bool good = result->result == (rollback ? "reverted" : "completed") ||
              (!rollback && result->result == "switched");
  inv_->ctx.out << result->upgrade << ": " << result->result
                << (result->reason.empty() ? "" : " (" + result->reason + ")") << "\n";
  if (!good) *exit_code = 1;
  return {};
}

Status ControlCli::WaitForPreHook(ControlClient& client, const std::string& upgrade, bool* started,
                                  int* exit_code) {
  NV_ASSIGN_OR_RETURN(StatusSnapshot now, client.GetStatus());
  if (now.step || now.next_upgrade != upgrade || now.waiting_for != "hook") return {};
  inv_->ctx.out << "upgrade " << upgrade << ": pre_upgrade_command runs first\n";
  std::optional<FinishedEvent> result;
  // The hook is killed after kGateCommandTimeout; the agent answers soon after.
  Status followed =
      client.Follow(kGateCommandTimeout + std::chrono::seconds(30),
                    [&](const StatusSnapshot& s, const std::optional<FinishedEvent>& done) {
                      if (done && done->upgrade == upgrade) result = done;
                      return result.has_value() || s.step.has_value();
                    });
  if (!followed.ok()) {
    return Status::Error("no answer from pre_upgrade_command of upgrade " + upgrade + " (" +
                         followed.message() + "): see 'nymvisor status' and the journal");
  }
  if (!result || result->result == "completed" || result->result == "switched") return {};
  *started = false;
  inv_->ctx.out << "upgrade " << upgrade << " not started: " << result->result << " ("
                << result->reason << ")\n";
  *exit_code = 1;
  return {};
}

Status ControlCli::WaitForCheck(ControlClient& client, std::optional<Timestamp> before,
                                int* exit_code) {
  NV_ASSIGN_OR_RETURN(Duration timeout, ParseDuration(timeout_text_));
  StatusSnapshot last;
  NV_RETURN_IF_ERROR(
      client.Follow(timeout, [&](const StatusSnapshot& s, const std::optional<FinishedEvent>&) {
        last = s;
        return s.last_check_time && s.last_check_time != before && !s.checking;
      }));
  inv_->ctx.out << "upstream: " << last.last_check_result << "\n";
  if (!last.last_check_ok) *exit_code = 1;
  return {};
}

}  // namespace nymvisor
