#include "agent/shell/upgrade_gate.h"

#include <memory>

#include "agent/base/command_line.h"

namespace nymvisor {
namespace {

std::string LastLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  size_t start = text.rfind('\n');
  return std::string(start == std::string_view::npos ? text : text.substr(start + 1));
}

/// One journal entry per stream that printed something.
void JournalOutput(Logger& log, const std::string& key, const Result<ProcessResult>& run) {
  if (!run.ok()) return;
  for (auto [stream, text] : {std::pair{"stdout", &run->out}, std::pair{"stderr", &run->err}}) {
    if (text->empty()) continue;
    log.Event(LogPriority::kInfo, "", key + " " + stream + ":\n" + *text,
              {{"NYMVISOR_HOOK", key}, {"NYMVISOR_HOOK_STREAM", stream}});
  }
}

}  // namespace

CommandOutcome ToCommandOutcome(const Result<ProcessResult>& run) {
  if (!run.ok()) return {.started = false, .error = run.status().message()};
  std::string last = LastLine(run->err);
  if (last.empty()) last = LastLine(run->out);
  return {.started = true,
          .exit_code = run->exit_code,
          .signal = run->signal,
          .timed_out = run->timed_out,
          .last_line = last};
}

void RunGateCommand(ProcessRunner& processes, Worker& worker, Logger& log, std::string key,
                    const std::string& command, std::vector<std::string> env,
                    std::function<void(const CommandOutcome&)> done) {
  Result<std::vector<std::string>> argv = SplitCommandLine(command);
  if (!argv.ok()) {
    done({.started = false, .error = key + ": " + argv.status().message()});
    return;
  }
  auto run = std::make_shared<Result<ProcessResult>>(Status::Error("not run"));
  worker.Post(
      [&processes, run, argv = std::move(argv).value(), env = std::move(env)] {
        *run = processes.Run(argv, kGateCommandTimeout, kGateOutputCap, &env);
      },
      [&log, run, key = std::move(key), done = std::move(done)] {
        JournalOutput(log, key, *run);
        done(ToCommandOutcome(*run));
      });
}

}  // namespace nymvisor
