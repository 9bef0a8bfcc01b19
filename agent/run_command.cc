#include "agent/run_command.h"

#include <signal.h>

#include <iostream>

#include "agent/event_loop.h"
#include "agent/file_system.h"
#include "agent/journal.h"
#include "agent/layout.h"
#include "agent/logger.h"
#include "agent/notifier.h"
#include "agent/record_store.h"

namespace nymvisor {
namespace {

std::string IdleStatus(const Config& config, FileSystem& files) {
  RecordStore store(files, MakeLayout(config));
  Result<CurrentVersion> current = store.LoadCurrentVersion();
  std::string running = current.ok() ? current->version + " (" + current->name + ")" : "unknown";
  return "idle, running " + running + " in " + EffectiveUnit(config);
}

}  // namespace

int RunAgent(const LoadedConfig& loaded) {
  const Config& config = loaded.config;
  SystemdJournal journal;
  Logger log(journal, config.nymvisor.id, config.nymvisor.disable_logs);
  for (const std::string& w : loaded.warnings) log.Warning(w);
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  if (!loop.ok()) {
    std::cerr << "error: " << loop.status().message() << "\n";
    return 1;
  }
  RealFileSystem files;
  SystemdNotifier notifier;
  for (int signo : {SIGTERM, SIGINT}) {
    Status st = (*loop)->OnSignal(signo, [&, signo] {
      log.Info("received signal " + std::to_string(signo) + ", stopping");
      notifier.Stopping("stopping");
      (*loop)->Exit(0);
    });
    if (!st.ok()) std::cerr << "error: " << st.message() << "\n";
  }
  log.Info("nymvisor agent starting for instance " + config.nymvisor.id + " (config " +
           loaded.path.string() + ", node unit " + EffectiveUnit(config) + ")");
  notifier.Ready(IdleStatus(config, files));
  return (*loop)->Run();
}

}  // namespace nymvisor
