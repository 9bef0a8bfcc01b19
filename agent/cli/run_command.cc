#include "agent/cli/run_command.h"

#include <signal.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <random>

#include "agent/adapters/curl_http_client.h"
#include "agent/adapters/dbus_control_server.h"
#include "agent/adapters/dbus_systemd_manager.h"
#include "agent/adapters/directory_backup_store.h"
#include "agent/adapters/etcd_gateway.h"
#include "agent/adapters/event_loop.h"
#include "agent/adapters/host_platform.h"
#include "agent/adapters/instance_lock.h"
#include "agent/adapters/minisign_verifier.h"
#include "agent/adapters/openssl_hasher.h"
#include "agent/adapters/plan_watcher.h"
#include "agent/adapters/polkit_authorizer.h"
#include "agent/adapters/posix_host_facts.h"
#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/adapters/system_clock.h"
#include "agent/adapters/systemd_journal.h"
#include "agent/adapters/systemd_notifier.h"
#include "agent/adapters/thread_worker.h"
#include "agent/adapters/tzdb_time_zones.h"
#include "agent/base/url_redaction.h"
#include "agent/ports/backup_store.h"
#include "agent/ports/journal.h"
#include "agent/ports/notifier.h"
#include "agent/ports/worker.h"
#include "agent/shell/agent.h"
#include "agent/shell/control_service.h"
#include "agent/shell/fleet_coordinator.h"

namespace nymvisor {
namespace {

/// A uniformly random delay in [0, max).
Duration Jitter(Duration max) {
  static std::mt19937_64 rng{std::random_device{}()};
  if (max <= Duration::zero()) return Duration::zero();
  return Duration(static_cast<int64_t>(rng() % static_cast<uint64_t>(max.count())));
}

/// /etc/machine-id without its newline; empty when unreadable (every such
/// instance then shares one offset in the rollout spread).
std::string MachineId(FileSystem& files) {
  Result<std::string> id = files.ReadFile("/etc/machine-id");
  if (!id.ok()) return "";
  std::string text = *id;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

/// The real effects, in the order they must be torn down in reverse.
struct RealWorld {
  std::unique_ptr<EventLoop> loop;
  RealFileSystem files;
  SystemClock clock;
  CurlHttpClient http;
  std::unique_ptr<PosixProcessRunner> probes;
  std::unique_ptr<BusConnection> bus;  ///< shared by every D-Bus client and object
  std::unique_ptr<DbusSystemdManager> systemd;
  std::unique_ptr<DbusControlServer> control;
  std::unique_ptr<PolkitAuthorizer> authorizer;
  std::unique_ptr<DirectoryBackupStore> backups;
  SystemdNotifier notifier;
  PosixHostFacts host;
  TzdbTimeZones zones;
  std::unique_ptr<ThreadWorker> worker;        ///< backups and restores
  std::unique_ptr<ThreadWorker> fetch_worker;  ///< polls and downloads
  std::unique_ptr<ThreadWorker> fleet_worker;  ///< etcd calls; only with a fleet
  std::unique_ptr<EtcdGateway> etcd;           ///< only with a fleet
};

Status Build(const Config& config, RealWorld* w) {
  NV_ASSIGN_OR_RETURN(w->loop, EventLoop::Create());
  Layout layout = MakeLayout(config);
  w->probes = std::make_unique<PosixProcessRunner>(config.daemon.user);
  NV_ASSIGN_OR_RETURN(w->bus, BusConnection::ConnectSystem(w->loop.get()));
  NV_ASSIGN_OR_RETURN(w->systemd, DbusSystemdManager::Connect(*w->bus));
  w->control = std::make_unique<DbusControlServer>(*w->bus, config.nymvisor.id);
  w->authorizer = std::make_unique<PolkitAuthorizer>(*w->bus);
  w->backups = std::make_unique<DirectoryBackupStore>(layout.home, layout.backup_dir,
                                                      NymvisorPathsInHome(layout), w->clock);
  NV_ASSIGN_OR_RETURN(w->worker, ThreadWorker::Create(*w->loop));
  NV_ASSIGN_OR_RETURN(w->fetch_worker, ThreadWorker::Create(*w->loop));
  if (!config.nymvisor.fleet_endpoints.empty()) {
    NV_ASSIGN_OR_RETURN(w->fleet_worker, ThreadWorker::Create(*w->loop));
  }
  return {};
}

/// The fleet credential (docs/fleet.md): $CREDENTIALS_DIRECTORY/<name>, or
/// the root-only file an absolute fleet_credential names. No credential
/// under a name: etcd is used without a login; a named file that is
/// missing or not root-only is an error.
Status ReadFleetCredential(const Config& config, FileSystem& files, EtcdGatewayOptions* o) {
  const std::string& name = config.nymvisor.fleet_credential;
  std::filesystem::path file;
  Result<std::string> text = Status::NotFound("");
  if (!name.empty() && name.front() == '/') {
    file = name;
    text = files.ReadTrusted(file);
    if (!text.ok()) return text.status().WithContext("fleet_credential");
  } else {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr) return {};
    file = std::filesystem::path(dir) / name;
    text = files.ReadFile(file);
    if (!text.ok() && text.status().IsNotFound()) return {};
    if (!text.ok()) return text.status();
  }
  NV_ASSIGN_OR_RETURN(o->credentials, ParseEtcdCredentials(*text, file.string()));
  o->credentials_source = file.string();
  return {};
}

/// The etcd gateway of the config's fleet.
Result<std::unique_ptr<EtcdGateway>> MakeEtcd(const Config& config, FileSystem& files) {
  const NymvisorSection& n = config.nymvisor;
  EtcdGatewayOptions options{.endpoints = n.fleet_endpoints,
                             .ca_file = n.fleet_ca_file,
                             .cert_file = n.fleet_cert_file,
                             .key_file = n.fleet_key_file};
  NV_RETURN_IF_ERROR(ReadFleetCredential(config, files, &options));
  return std::make_unique<EtcdGateway>(std::move(options));
}

/// The fleet coordinator, or null without fleet_endpoints. The holder id
/// is "<nymvisor.id>@<machine id>" (decide/FleetHolderId).
Result<std::unique_ptr<FleetCoordinator>> MakeFleet(const Config& config, RealWorld& w,
                                                    Logger& log) {
  if (config.nymvisor.fleet_endpoints.empty()) return std::unique_ptr<FleetCoordinator>();
  NV_ASSIGN_OR_RETURN(w.etcd, MakeEtcd(config, w.files));
  NV_ASSIGN_OR_RETURN(std::string machine, w.files.ReadFile("/etc/machine-id"));
  NV_ASSIGN_OR_RETURN(std::string holder, FleetHolderId(machine, config.nymvisor.id));
  NV_ASSIGN_OR_RETURN(FleetSettings settings, MakeFleetSettings(config, holder));
  return std::make_unique<FleetCoordinator>(
      FleetDeps{.etcd = *w.etcd,
                .files = w.files,
                .record_file = MakeLayout(config).FleetSlotFile(),
                .clock = w.clock,
                .scheduler = *w.loop,
                .lane = FleetLane(*w.fleet_worker),
                .log = log},
      std::move(settings));
}

Status WireSignals(EventLoop& loop, Agent& agent) {
  for (int signo : {SIGTERM, SIGINT}) {
    NV_RETURN_IF_ERROR(
        loop.OnSignal(signo, [&loop, &agent] { agent.Stop([&loop] { loop.Exit(0); }); }));
  }
  // SIGHUP (systemctl reload): the config and the plan are read again.
  return loop.OnSignal(SIGHUP, [&agent] { (void)agent.Reload(); });
}

Result<std::shared_ptr<SignatureVerifier>> MakeVerifier(const std::vector<std::string>& keys) {
  NV_ASSIGN_OR_RETURN(std::unique_ptr<MinisignVerifier> verifier, MinisignVerifier::Create(keys));
  return std::shared_ptr<SignatureVerifier>(std::move(verifier));
}

/// The token the unit hands over as its credential github-token (generator:
/// LoadCredential= when /etc/nymvisor/<id>.github-token exists), or empty.
std::string GithubToken(FileSystem& files) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr) return "";
  Result<std::string> token = files.ReadFile(std::filesystem::path(dir) / "github-token");
  if (!token.ok()) return "";
  std::string t = *token;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  return t;
}

/// NYMVISOR_TEST_STEP_DELAY and NYMVISOR_TEST_CRASH_AT, which the e2e suite
/// sets in an instance's env file; unset in service.
Result<TestHooks> TestHooksFromEnvironment() {
  TestHooks hooks;
  if (const char* delays = std::getenv("NYMVISOR_TEST_STEP_DELAY")) {
    Result<StepDelays> parsed = ParseStepDelays(delays);
    if (!parsed.ok()) return parsed.status().WithContext("NYMVISOR_TEST_STEP_DELAY");
    hooks.step_delays = *parsed;
  }
  if (const char* crash = std::getenv("NYMVISOR_TEST_CRASH_AT")) {
    Result<CrashPoint> parsed = ParseCrashPoint(crash);
    if (!parsed.ok()) return parsed.status().WithContext("NYMVISOR_TEST_CRASH_AT");
    hooks.crash_at = *parsed;
    hooks.crash = [] { ::raise(SIGKILL); };
  }
  return hooks;
}

int Fail(Logger& log, const Status& st) {
  log.Error("nymvisor agent cannot run: " + st.message());
  std::cerr << "error: " << RedactUrlsIn(st.message()) << "\n";
  return 1;
}

}  // namespace

int RunAgent(const LoadedConfig& loaded, std::function<Result<Config>()> reload) {
  const Config& config = loaded.config;
  SystemdJournal journal;
  Logger log(journal, config.nymvisor.id, config.nymvisor.disable_logs);
  for (const std::string& w : loaded.warnings) log.Warning(w);
  // One agent per instance: a second one (say, started from a shell) would
  // run the same upgrade beside the first.
  auto lock = InstanceLock::Acquire(MakeLayout(config).AgentLockFile(), config.nymvisor.id);
  if (!lock.ok()) return Fail(log, lock.status());
  RealWorld w;
  if (Status st = Build(config, &w); !st.ok()) return Fail(log, st);
  Result<TestHooks> hooks = TestHooksFromEnvironment();
  if (!hooks.ok()) return Fail(log, hooks.status());
  Result<std::unique_ptr<FleetCoordinator>> fleet = MakeFleet(config, w, log);
  if (!fleet.ok()) return Fail(log, fleet.status().WithContext("fleet"));
  AgentDeps deps{.systemd = *w.systemd,
                 .http = w.http,
                 .files = w.files,
                 .probes = *w.probes,
                 .backups = *w.backups,
                 .clock = w.clock,
                 .scheduler = *w.loop,
                 .worker = BackupLane(*w.worker),
                 .fetch_worker = FetchLane(*w.fetch_worker),
                 .notifier = w.notifier,
                 .log = log,
                 .jitter = Jitter,
                 .make_hasher = MakeOpenSslHasher,
                 .platform = HostPlatform(),
                 .control = w.control.get(),
                 .load_config = std::move(reload),
                 .make_verifier = MakeVerifier,
                 .github_token = GithubToken(w.files),
                 .host = &w.host,
                 .zones = &w.zones,
                 .machine_id = MachineId(w.files),
                 .fleet = fleet->get()};
  auto agent = std::make_unique<Agent>(config, std::move(deps), *hooks);
  ControlService service(*agent, *w.authorizer, log, config.nymvisor.id);
  auto watcher = PlanWatcher::Create(*w.loop, MakeLayout(config).PlanFile(),
                                     [&agent] { agent->OnPlanChanged(); });
  if (!watcher.ok()) return Fail(log, watcher.status());
  if (Status st = WireSignals(*w.loop, *agent); !st.ok()) return Fail(log, st);
  // The bus name is owned before READY=1, and only one agent can own it.
  if (Status st = w.control->Serve(service); !st.ok()) return Fail(log, st);
  if (Status st = agent->Start(); !st.ok()) return Fail(log, st);
  int rc = w.loop->Run();
  w.fleet_worker.reset();  // joins the workers before the agent their jobs point into goes
  w.fetch_worker.reset();
  w.worker.reset();
  w.control.reset();  // unexports before the service behind it goes
  agent.reset();
  fleet->reset();  // after the agent, whose runner points at it; before the loop goes
  return rc;
}

}  // namespace nymvisor
