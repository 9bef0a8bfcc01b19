#include "agent/adapters/posix_process_runner.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "agent/adapters/system_account.h"

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

struct Credentials {
  bool set = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

}  // namespace

bool UserExists(const std::string& name) { return LookUpAccount(name).ok(); }

namespace {

Result<Credentials> ResolveUser(const std::string& name) {
  Credentials creds;
  // A root CLI acting as a node's account (AccountScope) drops its children
  // to that account fully: with a real uid of 0 left, they could regain root.
  bool acting = ::getuid() == 0 && ::geteuid() != 0;
  if (name.empty() && acting) return Credentials{true, ::geteuid(), ::getegid()};
  if (name.empty() || ::getuid() != 0) return creds;
  Result<SystemAccount> found = LookUpAccount(name);
  if (!found.ok()) return Status::Error("unknown user '" + name + "'");
  // Already that account in full (a root agent of a root node): nothing to
  // change, and without CAP_SETGID setgroups() would fail.
  if (found->uid == ::getuid() && found->uid == ::geteuid() && found->gid == ::getegid()) {
    return creds;
  }
  return Credentials{true, found->uid, found->gid};
}

/// argv[0] itself when it has a '/', else its first match in $PATH.
std::string ResolveExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return name;
}

/// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const char* path, char* const* args, char* const* envp, const Pipe& out,
                            const Pipe& err, const Credentials& creds, int report_fd) {
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int null = ::open("/dev/null", O_RDONLY);
  ::dup2(null, 0);
  ::dup2(out.write, 1);
  ::dup2(err.write, 2);
  // Regain root first if the parent acts as another account (AccountScope),
  // then drop to the target account for good: real, effective and saved.
  bool regain = creds.set && ::geteuid() != 0;
  if (creds.set && ((regain && ::setresuid(-1, 0, -1) != 0) || ::setgroups(1, &creds.gid) != 0 ||
                    ::setresgid(creds.gid, creds.gid, creds.gid) != 0 ||
                    ::setresuid(creds.uid, creds.uid, creds.uid) != 0)) {
    int e = errno;
    ssize_t ignored = ::write(report_fd, &e, sizeof e);
    (void)ignored;
    ::_exit(126);
  }
  ::execve(path, args, envp);
  int e = errno;
  ssize_t ignored = ::write(report_fd, &e, sizeof e);
  (void)ignored;
  ::_exit(127);
}

/// Pointers into `strings`, null-terminated, for execve.
std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

/// Starts argv[0] (searched in PATH when it has no '/') in a new process
/// group, as `creds` when set, with `env` as its whole environment when
/// given. Exec failures come back through a pipe.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::vector<std::string>* env,
                    const Pipe& out, const Pipe& err, const Credentials& creds) {
  std::string path = ResolveExecutable(argv[0]);
  std::vector<char*> args = CStrings(argv);
  std::vector<char*> own_env = env ? CStrings(*env) : std::vector<char*>();
  char* const* envp = env ? own_env.data() : environ;
  NV_ASSIGN_OR_RETURN(Pipe report, MakePipe());
  pid_t pid = ::fork();
  if (pid == 0) ExecChild(path.c_str(), args.data(), envp, out, err, creds, report.write);
  ::close(report.write);
  int child_errno = 0;
  ssize_t n = pid < 0 ? 0 : ::read(report.read, &child_errno, sizeof child_errno);
  ::close(report.read);
  if (pid < 0) return Status::Error("cannot fork: " + std::string(std::strerror(errno)));
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    return Status::Error("cannot run " + argv[0] + ": " + std::strerror(child_errno));
  }
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

Result<ProcessResult> PosixProcessRunner::Run(const std::vector<std::string>& argv,
                                              Duration timeout, size_t max_output,
                                              const std::vector<std::string>* env) {
  if (argv.empty()) return Status::Error("no command to run");
  NV_ASSIGN_OR_RETURN(Credentials creds, ResolveUser(run_as_));
  NV_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  Result<Pipe> err = MakePipe();
  Result<pid_t> pid = err.ok() ? Spawn(argv, env, out, *err, creds) : Result<pid_t>(err.status());
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
