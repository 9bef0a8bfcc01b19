#include "tests/support/etcd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;

/// The etcd binary on PATH (Debian: /usr/bin/etcd), or "".
std::string FindEtcd() {
  const char* path = getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/etcd";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

EtcdProcess::~EtcdProcess() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string EtcdProcess::endpoint() const {
  std::string scheme = options_.cert_file.empty() ? "http" : "https";
  return scheme + "://127.0.0.1:" + std::to_string(client_port_);
}

std::string EtcdProcess::LogTail() const {
  std::ifstream in(dir_ / "etcd.log");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

Status EtcdProcess::Start(const Options& options) {
  options_ = options;
  char tmpl[] = "/tmp/nymvisor-etcd-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Status::Error("cannot create a temporary directory");
  dir_ = tmpl;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a port taken meanwhile: pick others
    client_port_ = FreeLoopbackPort();
    peer_port_ = FreeLoopbackPort();
    Status st = Launch();
    if (st.ok() || st.IsNotFound()) return st;
    Stop();
  }
  return Status::Error("etcd did not start on loopback; its log:\n" + LogTail());
}

Status EtcdProcess::Restart() {
  Stop();
  return Launch();
}

Status EtcdProcess::Launch() {
  std::string etcd = FindEtcd();
  if (etcd.empty()) {
    return Status::NotFound(
        "etcd is not installed: install Debian's etcd-server (apt-get install etcd-server, "
        "or scripts/install-deps.sh); these tests need a real etcd and are not skipped");
  }
  std::string client = endpoint();
  std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
  std::vector<std::string> args = {etcd,
                                   "--data-dir=" + (dir_ / "data").string(),
                                   "--listen-client-urls=" + client,
                                   "--advertise-client-urls=" + client,
                                   "--listen-peer-urls=" + peer,
                                   "--initial-advertise-peer-urls=" + peer,
                                   "--initial-cluster=default=" + peer};
  if (!options_.cert_file.empty()) {
    args.push_back("--cert-file=" + options_.cert_file);
    args.push_back("--key-file=" + options_.key_file);
  }
  if (!options_.client_ca_file.empty()) {
    args.push_back("--client-cert-auth");
    args.push_back("--trusted-ca-file=" + options_.client_ca_file);
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::string log = (dir_ / "etcd.log").string();
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid_ < 0) return Status::Error("cannot fork etcd");
  for (int i = 0; i < 200; ++i) {  // up to 20 s on a busy machine
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Error("etcd exited at start");
    }
    if (Accepts(client_port_)) return {};
    std::this_thread::sleep_for(100ms);
  }
  return Status::Error("etcd did not open its client port within 20 s");
}

void EtcdProcess::Pause() {
  if (pid_ <= 0) return;
  kill(pid_, SIGSTOP);
  int status = 0;
  waitpid(pid_, &status, WUNTRACED);  // kill() returns before every thread stopped
}

void EtcdProcess::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

void EtcdProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace nymvisor::testing
