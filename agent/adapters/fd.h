#ifndef NYMVISOR_AGENT_ADAPTERS_FD_H_
#define NYMVISOR_AGENT_ADAPTERS_FD_H_

#include <unistd.h>

namespace nymvisor {

/// Closes a file descriptor when it goes out of scope. Any thread.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  /// Closes now and reports the error close(2) may carry (e.g. on NFS).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_FD_H_
