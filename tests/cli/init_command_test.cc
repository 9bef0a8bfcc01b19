#include "agent/cli/init_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/config/instance_config.h"
#include "agent/shell/record_store.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::ReadFileOrDie;
using testing::StampFakeNode;
using testing::TempDir;

class InitCommandTest : public ::testing::Test {
 protected:
  InitCommandTest() : clock_(*ParseTimestamp("2026-11-26T12:00:00Z")) {
    node_ = StampFakeNode(dir_ / "dist/nym-node", {{"version", "1.1.0"}});
    flags_.daemon_binary = node_;
    flags_.Set("nymvisor.id", "mixnode");
    flags_.Set("daemon.home", (dir_ / "home").string());
    flags_.daemon_args = std::vector<std::string>{"run", "--id", "mixnode"};
    flags_.build_info_timeout = 10s;
  }

  Result<InitResult> Init(std::map<std::string, std::string> env = {}) {
    LocatorContext ctx =
        MakeLocatorContext(EnvFromMap({{"HOME", (dir_ / "root").string()}}), true, dir_ / "etc");
    InitDeps deps{
        .files = files_, .processes = processes_, .clock = clock_, .user_exists = UserExists};
    return RunInit(flags_, ctx, EnvFromMap(std::move(env)), deps);
  }

  std::filesystem::path Data(const std::string& rel) { return dir_ / "home/nymvisor" / rel; }

  TempDir dir_;
  RealFileSystem files_;
  PosixProcessRunner processes_;
  FakeClock clock_;
  std::string node_;
  InitFlags flags_;
};

TEST_F(InitCommandTest, CreatesTheLayoutUnderTheDaemonHome) {
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ReadFileOrDie(Data("genesis/bin/nym-node")), ReadFileOrDie(node_));
  EXPECT_EQ(std::filesystem::read_symlink(Data("current")), Data("genesis"));
  EXPECT_TRUE(std::filesystem::is_directory(Data("upgrades")));
  EXPECT_TRUE(std::filesystem::is_directory(Data("backups")));
  RecordStore store(files_, MakeLayout(r->config));
  EXPECT_EQ(store.LoadPlan()->current.name, "genesis");
  EXPECT_TRUE(store.LoadPlan()->queued_up.empty());
  EXPECT_EQ(store.LoadUpgradeInfo("genesis")->version, "1.1.0");
  CurrentVersion current = *store.LoadCurrentVersion();
  EXPECT_EQ(current.name, "genesis");
  EXPECT_EQ(current.upgrade_time, clock_.Now());
}

TEST_F(InitCommandTest, WritesTheConfigWithOurKeysAndMode0600) {
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config_path, dir_ / "etc/mixnode.toml");
  struct stat st {};
  ASSERT_EQ(::stat(r->config_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<LoadedConfig> loaded = LoadConfigFile(r->config_path, EnvFromMap({}), files_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config.daemon.args, (std::vector<std::string>{"run", "--id", "mixnode"}));
  EXPECT_EQ(loaded->config.daemon.unit, "nymvisor-daemon@mixnode.service");
  EXPECT_FALSE(loaded->config.daemon.user.empty());
  EXPECT_EQ(loaded->config.daemon.name, "nym-node");
  EXPECT_EQ(loaded->config, r->config);
}

TEST_F(InitCommandTest, IsIdempotentForTheSameBinary) {
  ASSERT_TRUE(Init().ok());
  std::string plan = ReadFileOrDie(Data("upgrade-plan.json"));
  std::string current = ReadFileOrDie(Data("current-version.json"));
  clock_.Advance(1h);
  Result<InitResult> again = Init();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(ReadFileOrDie(Data("upgrade-plan.json")), plan);
  EXPECT_EQ(ReadFileOrDie(Data("current-version.json")), current);
}

TEST_F(InitCommandTest, RefusesADifferentGenesisBinary) {
  ASSERT_TRUE(Init().ok());
  flags_.daemon_binary = StampFakeNode(dir_ / "dist/other", {{"version", "1.2.0"}});
  Result<InitResult> r = Init();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("genesis/upgrade-info.json describes a different binary"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(
                "this instance's genesis is version 1.1.0 and init accepts only that binary "
                "again. To run another version, queue it: 'nymvisor add-upgrade BINARY "
                "--upgrade-name NAME'"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("remove " + Data("").parent_path().string() + " ("),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(ReadFileOrDie(Data("genesis/bin/nym-node")), ReadFileOrDie(node_));
}

TEST_F(InitCommandTest, RefusesADifferentGenesisBinaryBeforeWritingAnything) {
  ASSERT_TRUE(Init().ok());
  std::filesystem::remove(Data("genesis/bin/nym-node"));  // lost, but the records remain
  flags_.daemon_binary = StampFakeNode(dir_ / "dist/other", {{"version", "1.2.0"}});
  ASSERT_FALSE(Init().ok());
  EXPECT_FALSE(std::filesystem::exists(Data("genesis/bin/nym-node")))
      << "the other binary is not installed under the old records";
  flags_.daemon_binary = node_;
  EXPECT_TRUE(Init().ok()) << "the right binary repairs the instance";
  EXPECT_EQ(ReadFileOrDie(Data("genesis/bin/nym-node")), ReadFileOrDie(node_));
}

TEST_F(InitCommandTest, ReRunningInitSaysWhichConfigValuesItChanges) {
  flags_.Set("daemon.backups_to_keep", "7");
  ASSERT_TRUE(Init().ok());
  flags_.Set("daemon.backups_to_keep", "5");
  Result<InitResult> again = Init();
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_EQ(again->notes.size(), 1u);
  EXPECT_NE(again->notes[0].find("daemon.backups_to_keep changes from '7' to '5'"),
            std::string::npos)
      << again->notes[0];
  EXPECT_TRUE(Init()->notes.empty()) << "nothing changes the third time";
}

TEST_F(InitCommandTest, ReRunningInitKeepsWhatItsFlagsDoNotName) {
  flags_.Set("daemon.backups_to_keep", "7");
  ASSERT_TRUE(Init().ok());
  // An operator's edit of the file, and a re-run that names one other setting.
  std::filesystem::path file = dir_ / "etc/mixnode.toml";
  std::string text = ReadFileOrDie(file);
  size_t at = text.find("max_startup_failures = ");
  text.replace(at, text.find('\n', at) - at, "max_startup_failures = 9");
  testing::WriteFile(file, text, 0600);
  flags_.settings = {{"nymvisor.id", "mixnode"}, {"nymvisor.upstream_polling_rate", "5m"}};
  flags_.daemon_args.reset();  // no "--": the node's arguments are kept
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_polling_rate, 5min);
  EXPECT_EQ(r->config.daemon.backups_to_keep, 7u) << "an earlier flag is kept";
  EXPECT_EQ(r->config.daemon.max_startup_failures, 9u) << "a hand edit is kept";
  EXPECT_EQ(r->config.daemon.home, (dir_ / "home").string()) << "the home is kept";
  EXPECT_EQ(r->config.daemon.args, (std::vector<std::string>{"run", "--id", "mixnode"}));
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("nymvisor.upstream_polling_rate changes from '"), std::string::npos);
}

TEST_F(InitCommandTest, ADoubleDashWithNothingAfterItClearsTheArguments) {
  ASSERT_TRUE(Init().ok());
  flags_.daemon_args = std::vector<std::string>{};
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->config.daemon.args.empty());
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("daemon.args changes from 'run --id mixnode' to ''"),
            std::string::npos)
      << r->notes[0];
}

TEST_F(InitCommandTest, ResetStartsFromTheDefaults) {
  flags_.Set("daemon.backups_to_keep", "7");
  ASSERT_TRUE(Init().ok());
  flags_.settings.erase("daemon.backups_to_keep");
  flags_.reset = true;
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.daemon.backups_to_keep, 3u);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("daemon.backups_to_keep changes from '7' to '3'"), std::string::npos);
}

TEST_F(InitCommandTest, AnUnreadableExistingConfigStopsARerunUnlessReset) {
  ASSERT_TRUE(Init().ok());
  testing::WriteFile(dir_ / "etc/mixnode.toml", "[daemon]\nhome = 5\n", 0600);
  Status st = Init().status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("fix it, or run init with --reset"), std::string::npos)
      << st.message();
  flags_.reset = true;
  EXPECT_TRUE(Init().ok());
}

TEST_F(InitCommandTest, MovingTheHomeOfAnInstanceWithQueuedUpgradesIsRefusedUnlessForced) {
  ASSERT_TRUE(Init().ok());
  RecordStore store(files_, MakeLayout(Init()->config));
  UpgradePlan plan = *store.LoadPlan();
  UpgradeInfo v2;
  v2.name = "v2";
  v2.version = "1.2.0";
  plan.queued_up.push_back(v2);
  ASSERT_TRUE(store.SavePlan(plan).ok());
  flags_.Set("daemon.home", (dir_ / "hmoe").string());
  Status st = Init().status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("instance 'mixnode' would move from " + (dir_ / "home").string() +
                              " to " + (dir_ / "hmoe").string()),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("has upgrades queued: v2 (1.2.0)"), std::string::npos);
  EXPECT_NE(st.message().find("add --force"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "hmoe")) << "nothing is created in the new home";
  EXPECT_EQ(LoadConfigFile(dir_ / "etc/mixnode.toml", EnvFromMap({}), files_)->config.daemon.home,
            (dir_ / "home").string());
  flags_.force = true;
  Result<InitResult> forced = Init();
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(forced->config.daemon.home, (dir_ / "hmoe").string());
}

TEST_F(InitCommandTest, MovingTheHomeWithNothingQueuedIsAllowed) {
  ASSERT_TRUE(Init().ok());
  flags_.Set("daemon.home", (dir_ / "home2").string());
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.daemon.home, (dir_ / "home2").string());
}

TEST_F(InitCommandTest, AConfigPathOfAnotherInstanceIsRefused) {
  ASSERT_TRUE(Init().ok());
  flags_.Set("nymvisor.id", "gateway");
  LocatorContext ctx = MakeLocatorContext(
      EnvFromMap({{"HOME", (dir_ / "root").string()},
                  {"NYMVISOR_CONFIG_PATH", (dir_ / "etc/mixnode.toml").string()}}),
      true, dir_ / "etc");
  InitDeps deps{
      .files = files_, .processes = processes_, .clock = clock_, .user_exists = UserExists};
  Status st = RunInit(flags_, ctx, EnvFromMap({}), deps).status();
  ASSERT_TRUE(st.IsRefused()) << st.message();
  EXPECT_NE(st.message().find("--id asks for instance 'gateway' but NYMVISOR_CONFIG_PATH"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(LoadConfigFile(dir_ / "etc/mixnode.toml", EnvFromMap({}), files_)->config.nymvisor.id,
            "mixnode");
}

TEST_F(InitCommandTest, AnIdFlagAndVariableThatDisagreeAreRefused) {
  Status st = Init({{"NYMVISOR_ID", "gateway"}}).status();
  ASSERT_TRUE(st.IsRefused()) << st.message();
  EXPECT_NE(st.message().find("--id asks for instance 'mixnode' but NYMVISOR_ID is 'gateway'"),
            std::string::npos)
      << st.message();
  EXPECT_FALSE(std::filesystem::exists(Data("")));
}

TEST_F(InitCommandTest, WithoutAnIdARerunOfTheDefaultInstanceIsAskedToNameIt) {
  flags_.settings.erase("nymvisor.id");
  ASSERT_TRUE(Init().ok());
  Status st = Init().status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("run init with --id nym-node-default to change its settings"),
            std::string::npos)
      << st.message();
  flags_.reset = true;
  EXPECT_TRUE(Init().ok());
}

TEST_F(InitCommandTest, AFirstInitSaysWhichAccountTheNodeRunsAsAndWhy) {
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string notes;
  for (const std::string& n : r->notes) notes += n + "\n";
  EXPECT_NE(notes.find("daemon.user: not given, and "), std::string::npos) << notes;
  EXPECT_NE(notes.find("so the node runs as '" + r->config.daemon.user + "'"), std::string::npos)
      << notes;
}

std::string Joined(const std::vector<std::string>& notes) {
  std::string all;
  for (const std::string& n : notes) all += n + "\n";
  return all;
}

TEST_F(InitCommandTest, SuggestsTheHealthUrlsFromTheNodesOwnConfig) {
  std::filesystem::create_directories(dir_ / "home/config");
  std::ofstream(dir_ / "home/config/config.toml") << "id = 'x'\n[http]\nbind_address = "
                                                     "'0.0.0.0:8080'\naccess_token = ''\n";
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(Joined(r->notes).find("run init again with --health-check-url "
                                  "http://127.0.0.1:8080/api/v1/health --build-info-url "
                                  "http://127.0.0.1:8080/api/v1/build-information"),
            std::string::npos)
      << Joined(r->notes);
  flags_.Set("daemon.health_check_url", "http://127.0.0.1:8080/api/v1/health");
  r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Joined(r->notes).find("--health-check-url"), std::string::npos)
      << "set already: " << Joined(r->notes);
  EXPECT_EQ(r->config.daemon.health_check_url, "http://127.0.0.1:8080/api/v1/health");
}

TEST_F(InitCommandTest, WithoutTheNodesConfigNothingIsSuggested) {
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Joined(r->notes).find("--health-check-url"), std::string::npos) << Joined(r->notes);
}

TEST_F(InitCommandTest, AHealthUrlOnAnotherHostIsRefusedNamingTheFlag) {
  flags_.Set("daemon.health_check_url", "http://node.example/api/v1/health");
  Result<InitResult> r = Init();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--health-check-url"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("127.0.0.1"), std::string::npos) << r.status().message();
}

TEST_F(InitCommandTest, AnUnknownDaemonUserIsRefused) {
  flags_.Set("daemon.user", "nymvisor-no-such-user");
  Result<InitResult> r = Init();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "--daemon-user (daemon.user): no account named 'nymvisor-no-such-user'; create it "
            "with 'useradd --system --user-group --home-dir " +
                (dir_ / "home").string() +
                " --shell /usr/sbin/nologin nymvisor-no-such-user' (then give it the home: "
                "chown -R nymvisor-no-such-user:nymvisor-no-such-user " +
                (dir_ / "home").string() + ") and run init again");
}

TEST_F(InitCommandTest, LeavesAnUpgradedInstanceAlone) {
  ASSERT_TRUE(Init().ok());
  std::filesystem::create_directories(Data("upgrades/v2/bin"));
  std::filesystem::remove(Data("current"));
  std::filesystem::create_directory_symlink(Data("upgrades/v2"), Data("current"));
  std::string current = ReadFileOrDie(Data("current-version.json"));
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(std::filesystem::read_symlink(Data("current")), Data("upgrades/v2"));
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("left unchanged"), std::string::npos);
}

TEST_F(InitCommandTest, EnvironmentBeatsFlagsWhichBeatDefaults) {
  flags_.Set("nymvisor.upstream_polling_rate", "5m");
  flags_.Set("daemon.max_startup_failures", "4");
  flags_.settings.erase("nymvisor.id");  // a disagreeing --id is refused (see below)
  Result<InitResult> r = Init({{"NYMVISOR_UPSTREAM_POLLING_RATE", "7m"},
                               {"DAEMON_HOME", (dir_ / "envhome").string()},
                               {"NYMVISOR_ID", "from-env"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_polling_rate, 7min);
  EXPECT_EQ(r->config.daemon.max_startup_failures, 4u);
  EXPECT_EQ(r->config.daemon.home, (dir_ / "envhome").string());
  EXPECT_EQ(r->config.nymvisor.id, "from-env");
  EXPECT_EQ(r->config.daemon.failure_restart_delay, 10s);
  EXPECT_EQ(r->config_path, dir_ / "etc/from-env.toml");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "envhome/nymvisor/genesis/bin/nym-node"));
}

TEST_F(InitCommandTest, ANewInstanceFollowsGithubReleases) {
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "github");
  Result<LoadedConfig> saved = LoadConfigFile(r->config_path, EnvFromMap({}), files_);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->config.nymvisor.upstream_source, "github");
  EXPECT_NE(ReadFileOrDie(r->config_path).find("upstream_source = 'github'"), std::string::npos)
      << "written explicitly, so a later default cannot change it";
}

TEST_F(InitCommandTest, AnUpgradeInfoUrlKeepsUpgradeInfo) {
  flags_.Set("nymvisor.upstream_base_upgrade_url", "http://127.0.0.1:8080/wk/");
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info");
  flags_.settings.clear();
  flags_.Set("nymvisor.id", "other");
  flags_.Set("daemon.home", (dir_ / "home2").string());
  flags_.Set("daemon.absolute_upstream_upgrade_url", "http://127.0.0.1:8080/x.json");
  r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info");
}

TEST_F(InitCommandTest, AnUpgradeInfoUrlVariableKeepsUpgradeInfoAndAnExplicitSourceWins) {
  Result<InitResult> r = Init({{"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "http://127.0.0.1/wk/"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info");
  flags_.Set("nymvisor.upstream_source", "github");
  r = Init({{"DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", "http://127.0.0.1/x.json"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "github");
  flags_.settings.erase("nymvisor.upstream_source");
  r = Init({{"NYMVISOR_UPSTREAM_SOURCE", "upgrade-info"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info");
}

TEST_F(InitCommandTest, ARerunKeepsTheSourceUnlessItsFlagsNameOne) {
  flags_.Set("nymvisor.upstream_base_upgrade_url", "http://127.0.0.1:8080/wk/");
  ASSERT_TRUE(Init().ok());
  flags_.settings = {{"nymvisor.id", "mixnode"}, {"nymvisor.upstream_polling_rate", "5m"}};
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info")
      << "a re-run that names no source or URL keeps the instance's";
  EXPECT_EQ(r->upstream.why, "kept from the existing config");
  EXPECT_TRUE(r->notes.size() == 1 && r->notes[0].find("upstream_source") == std::string::npos)
      << "only the polling rate changes";
  flags_.Set("nymvisor.upstream_source", "github");
  r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "github");
  EXPECT_EQ(r->upstream.why, "because --upstream-source was given");
  flags_.settings.erase("nymvisor.upstream_source");
  flags_.Set("daemon.absolute_upstream_upgrade_url", "http://127.0.0.1:8080/x.json");
  r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.upstream_source, "upgrade-info")
      << "a URL named on a re-run is followed, not stored unused";
}

TEST_F(InitCommandTest, AValueRefusedByValidationNamesTheFlagOrVariableThatSetIt) {
  flags_.Set("nymvisor.upstream_polling_rate", "1s");
  Status st = Init().status();
  EXPECT_EQ(st.message(),
            "--upstream-polling-rate: nymvisor.upstream_polling_rate: 1s is too often; it must be "
            "at least 2s");
  flags_.settings.erase("nymvisor.upstream_polling_rate");
  st = Init({{"NYMVISOR_UPSTREAM_POLLING_RATE", "1s"}}).status();
  EXPECT_EQ(st.message().rfind("environment variable NYMVISOR_UPSTREAM_POLLING_RATE: ", 0), 0u)
      << st.message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc/mixnode.toml")) << "nothing is written";
}

TEST_F(InitCommandTest, DaemonNameFromTheEnvironmentRenamesTheDaemon) {
  Result<InitResult> r = Init({{"DAEMON_NAME", "nym-mixnode"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.daemon.name, "nym-mixnode");
  EXPECT_TRUE(std::filesystem::exists(Data("genesis/bin/nym-mixnode")));
}

TEST_F(InitCommandTest, DefaultIdComesFromTheBinaryName) {
  flags_.settings.erase("nymvisor.id");
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->config.nymvisor.id, "nym-node-default");
}

TEST_F(InitCommandTest, MissingHomeIsAnError) {
  flags_.settings.erase("daemon.home");
  Status st = Init().status();
  EXPECT_NE(st.message().find("pass --daemon-home or set DAEMON_HOME"), std::string::npos);
}

TEST_F(InitCommandTest, ABadFlagValueNamesTheFlagAndCreatesNothing) {
  flags_.Set("nymvisor.upstream_polling_rate", "soon");
  Status st = Init().status();
  EXPECT_TRUE(st.IsUsage()) << st.message();
  EXPECT_EQ(st.message().rfind("--upstream-polling-rate: ", 0), 0u) << st.message();
  EXPECT_FALSE(std::filesystem::exists(Data("")));
}

TEST_F(InitCommandTest, BadEnvironmentValueNamesTheVariable) {
  Status st = Init({{"DAEMON_UNSAFE_SKIP_BACKUP", "maybe"}}).status();
  EXPECT_NE(st.message().find("DAEMON_UNSAFE_SKIP_BACKUP"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Data("")));
}

TEST_F(InitCommandTest, BuildInfoFailuresCreateNothing) {
  for (auto settings : {std::map<std::string, std::string>{{"bad_build_info", "true"}},
                        std::map<std::string, std::string>{{"hang_build_info", "true"}}}) {
    flags_.daemon_binary = StampFakeNode(dir_ / "dist/broken", settings);
    flags_.build_info_timeout = 300ms;
    EXPECT_FALSE(Init().ok());
    EXPECT_FALSE(std::filesystem::exists(Data("")));
  }
  flags_.daemon_binary = (dir_ / "dist/missing").string();
  EXPECT_NE(Init().status().message().find("dist/missing"), std::string::npos);
}

TEST_F(InitCommandTest, AFailedConfigWriteCanBeRetried) {
  testing::FaultyFileSystem faulty;
  faulty.fail_write = [](const fs::path& p) { return p.extension() == ".toml"; };
  LocatorContext ctx = MakeLocatorContext(EnvFromMap({}), true, dir_ / "etc");
  InitDeps deps{
      .files = faulty, .processes = processes_, .clock = clock_, .user_exists = UserExists};
  Status st = RunInit(flags_, ctx, EnvFromMap({}), deps).status();
  EXPECT_NE(st.message().find("No space left on device"), std::string::npos);
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(std::filesystem::exists(r->config_path));
}

TEST_F(InitCommandTest, ACustomDataDirectoryIsUsedAsIs) {
  flags_.Set("nymvisor.upgrade_data_directory", (dir_ / "original-data/nym-node").string());
  Result<InitResult> r = Init();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "original-data/nym-node/upgrade-plan.json"));
  EXPECT_TRUE(std::filesystem::exists(Data("current-version.json")));
}

TEST_F(InitCommandTest, ProbesAndInstallsTheStagedCopyAsTheNodesAccount) {
  // Root stages the operator's binary, then probes and installs that copy
  // while acting as the node's account; the config is written after that.
  std::string staged_copy = StampFakeNode(dir_ / "stage/nym-node", {{"version", "1.1.0"}});
  std::vector<std::string> events;
  flags_.Set("daemon.user", "nymnode");
  InitDeps deps{.files = files_,
                .processes = processes_,
                .clock = clock_,
                .user_exists = [](const std::string&) { return true; },
                .stage = [&](const std::string& user, std::string* path) -> Result<Scope> {
                  events.push_back("stage " + *path + " for " + user);
                  *path = staged_copy;
                  return Scope();
                },
                .enter_node = [&](const Config& pre) -> Result<Scope> {
                  events.push_back("enter " + pre.daemon.user + " in " + pre.daemon.home);
                  return Scope::OnExit([&] {
                    events.push_back(std::filesystem::exists(dir_ / "etc/mixnode.toml")
                                         ? "leave after the config"
                                         : "leave");
                  });
                }};
  LocatorContext ctx =
      MakeLocatorContext(EnvFromMap({{"HOME", (dir_ / "root").string()}}), true, dir_ / "etc");
  Result<InitResult> r = RunInit(flags_, ctx, EnvFromMap({}), deps);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(events,
            (std::vector<std::string>{"stage " + node_ + " for nymnode",
                                      "enter nymnode in " + (dir_ / "home").string(), "leave"}));
  EXPECT_EQ(ReadFileOrDie(Data("genesis/bin/nym-node")), ReadFileOrDie(staged_copy));
  EXPECT_TRUE(std::filesystem::exists(r->config_path));
}

TEST_F(InitCommandTest, AFailedStagingStopsBeforeAnythingRuns) {
  InitDeps deps{.files = files_,
                .processes = processes_,
                .clock = clock_,
                .user_exists = UserExists,
                .stage = [](const std::string&, std::string* path) -> Result<Scope> {
                  return Status::Error(*path + " cannot be read by 'nym'");
                }};
  LocatorContext ctx = MakeLocatorContext(EnvFromMap({}), true, dir_ / "etc");
  Status st = RunInit(flags_, ctx, EnvFromMap({}), deps).status();
  EXPECT_NE(st.message().find("cannot be read by 'nym'"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Data("")));
}

}  // namespace
}  // namespace nymvisor
