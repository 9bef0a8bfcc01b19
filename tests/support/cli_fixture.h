#ifndef NYMVISOR_TESTS_SUPPORT_CLI_FIXTURE_H_
#define NYMVISOR_TESTS_SUPPORT_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/cli/cli.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {

/// RunCli with real files in a temp dir, a fake node binary and recorded
/// effects (exec, the agent, daemon-reload, the control API).
class CliFixture : public ::testing::Test {
 protected:
  CliFixture() : clock_(*ParseTimestamp("2026-11-26T12:00:00Z")) {
    node_ = StampFakeNode(dir_ / "dist/nym-node", {{"version", "1.1.0"}});
    env_ = {{"HOME", (dir_ / "root").string()}};
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    CliContext ctx{.files = files_,
                   .processes = processes_,
                   .clock = clock_,
                   .env = EnvFromMap(env_),
                   .is_root = true,
                   .etc_dir = dir_ / "etc",
                   .out = out_,
                   .err = err_,
                   .exec =
                       [this](const std::vector<std::string>& argv,
                              const std::vector<EnvAssignment>& extra, const std::string& user) {
                         exec_argv_ = argv;
                         exec_env_ = extra;
                         exec_user_ = user;
                         return Status::Error("exec recorded by the test");
                       },
                   .run_agent =
                       [this](const LoadedConfig& loaded, std::function<Result<Config>()> reload) {
                         agent_config_ = loaded.config;
                         reloaded_ = reload();
                         return 7;
                       },
                   .reload_systemd =
                       [this] {
                         ++reloads_;
                         return reload_result_;
                       },
                   .refresh_access = refresh_access_,
                   .refresh_all_access = {},
                   .act_as = [this](const std::string& user) -> Result<Scope> {
                     acted_as_.push_back(user);
                     if (!account_result_.ok()) return account_result_;
                     return Scope();
                   },
                   .become =
                       [this](const std::string& user) {
                         became_ = user;
                         return account_result_;
                       },
                   .stage_binary = [this](const std::string& path, const std::string& user,
                                          std::string* staged) -> Result<Scope> {
                     staged_for_.push_back(user);
                     *staged = path;
                     return Scope();
                   },
                   .connect_control = connect_control_,
                   .out_is_tty = false,
                   .connect_etcd = connect_etcd_};
    return RunCli(args, ctx);
  }

  int InitMixnode() {
    return Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(), node_, "--",
                "run", "--id", "mixnode"});
  }

  TempDir dir_;
  RealFileSystem files_;
  PosixProcessRunner processes_;
  FakeClock clock_;
  std::map<std::string, std::string> env_;
  std::ostringstream out_, err_;
  std::string node_;
  std::vector<std::string> exec_argv_;
  std::vector<EnvAssignment> exec_env_;
  std::string exec_user_;
  std::string became_;                   ///< the account `run` became
  std::vector<std::string> acted_as_;    ///< accounts act_as was asked for, in order
  Status account_result_;                ///< what act_as and become answer
  std::vector<std::string> staged_for_;  ///< accounts binaries were staged for
  std::optional<Config> agent_config_;
  std::optional<Result<Config>> reloaded_;  ///< what the agent's reload read
  ControlConnector connect_control_;        ///< unset: no agent can be reached
  /// unset: no etcd can be reached (`nymvisor fleet` says so)
  std::function<std::unique_ptr<Etcd>(const EtcdGatewayOptions&)> connect_etcd_;
  std::function<Result<std::vector<std::string>>(const Config&, const std::filesystem::path&)>
      refresh_access_;  ///< unset: init writes no access files
  int reloads_ = 0;
  Status reload_result_ = Status::NotFound("systemd is not running");
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_CLI_FIXTURE_H_
