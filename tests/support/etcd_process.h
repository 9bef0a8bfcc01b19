#ifndef NYMVISOR_TESTS_SUPPORT_ETCD_PROCESS_H_
#define NYMVISOR_TESTS_SUPPORT_ETCD_PROCESS_H_

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor::testing {

/// A real etcd (Debian's etcd-server) on 127.0.0.1, started by a test with
/// its own data directory and free ports, and ended by its PID when the
/// object goes (or by Stop). Main thread only.
class EtcdProcess {
 public:
  struct Options {
    /// Makes the client port https (server cert and key); with
    /// client_ca_file etcd also requires a client certificate.
    std::string cert_file{};
    std::string key_file{};
    std::string client_ca_file{};
    std::vector<std::string> extra_args{};  ///< such as "--auth-token-ttl=2"
  };

  EtcdProcess() = default;
  ~EtcdProcess();
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  /// Starts etcd and waits until its client port accepts connections.
  /// Fails with "install etcd-server" when there is no etcd binary.
  Status Start(const Options& options);
  Status Start() { return Start(Options{}); }
  /// Ends etcd (SIGTERM, then SIGKILL) and waits for it; the data stays.
  void Stop();
  /// Freezes etcd (SIGSTOP) and returns once it is stopped: a hung server
  /// that accepts connections and never answers. Resume() lets it go on.
  void Pause();
  void Resume();
  /// Starts it again on the same ports and data.
  Status Restart();

  /// "http://127.0.0.1:PORT" (https with a certificate).
  std::string endpoint() const;
  int client_port() const { return client_port_; }
  pid_t pid() const { return pid_; }
  /// The end of etcd's own log, for failure messages.
  std::string LogTail() const;

 private:
  Status Launch();

  Options options_;
  std::filesystem::path dir_;
  int client_port_ = 0;
  int peer_port_ = 0;
  pid_t pid_ = -1;
};

/// A free TCP port on 127.0.0.1 (bound to port 0, then released).
int FreeLoopbackPort();

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_ETCD_PROCESS_H_
