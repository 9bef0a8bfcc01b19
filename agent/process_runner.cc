#include "agent/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace nymvisor {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Status::Error(std::string("pipe: ") + std::strerror(errno));
  return Pipe{fds[0], fds[1]};
}

/// Starts argv[0] (searched in PATH when it has no '/') in a new process group.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const Pipe& out, const Pipe& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::Error("cannot run " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

void ReadAvailable(int* fd, std::string* sink, size_t cap) {
  char buf[8192];
  ssize_t n = ::read(*fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    ::close(*fd);
    *fd = -1;
    return;
  }
  size_t room = cap > sink->size() ? cap - sink->size() : 0;
  sink->append(buf, std::min(room, static_cast<size_t>(n)));
}

using Deadline = std::chrono::steady_clock::time_point;

/// Collects both streams until they close or the deadline passes.
void Collect(int out_fd, int err_fd, Deadline deadline, size_t cap, ProcessResult* result) {
  while (out_fd >= 0 || err_fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (out_fd >= 0) ::close(out_fd);
      if (err_fd >= 0) ::close(err_fd);
      return;
    }
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (out_fd >= 0 && fds[0].revents) ReadAvailable(&out_fd, &result->out, cap);
    if (err_fd >= 0 && fds[1].revents) ReadAvailable(&err_fd, &result->err, cap);
  }
}

void RecordStatus(int status, ProcessResult* result) {
  if (WIFEXITED(status)) result->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    result->signal = WTERMSIG(status);
    result->core_dumped = WCOREDUMP(status);
  }
}

/// Waits for the child until the deadline, then kills its process group.
void Reap(pid_t pid, Deadline deadline, ProcessResult* result) {
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return RecordStatus(status, result);
    if (done < 0 && errno != EINTR) return;
    ::usleep(10'000);
  }
  ::kill(-pid, SIGKILL);
  result->timed_out = true;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  RecordStatus(status, result);
}

}  // namespace

std::string ProcessResult::Describe() const {
  if (timed_out) return "did not finish in time and was killed";
  if (signal != 0) {
    return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")" +
           (core_dumped ? " (core dumped)" : "");
  }
  return "exited with status " + std::to_string(exit_code);
}

Result<ProcessResult> PosixProcessRunner::Run(const std::vector<std::string>& argv,
                                              Duration timeout, size_t max_output) {
  if (argv.empty()) return Status::Error("no command to run");
  NV_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  Result<Pipe> err = MakePipe();
  Result<pid_t> pid = err.ok() ? Spawn(argv, out, *err) : Result<pid_t>(err.status());
  ::close(out.write);
  if (err.ok()) ::close(err->write);
  if (!pid.ok()) {
    ::close(out.read);
    if (err.ok()) ::close(err->read);
    return pid.status();
  }
  ProcessResult result;
  Deadline deadline = std::chrono::steady_clock::now() + timeout;
  Collect(out.read, err->read, deadline, max_output, &result);
  Reap(*pid, deadline, &result);
  return result;
}

}  // namespace nymvisor
