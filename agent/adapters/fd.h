#ifndef NYMVISOR_AGENT_ADAPTERS_FD_H_
#define NYMVISOR_AGENT_ADAPTERS_FD_H_

#include <unistd.h>

namespace nymvisor {

/// Owns a file descriptor and closes it when it goes out of scope; movable
/// (a moved-from Fd holds -1), not copyable. The one fd owner of adapters/.
/// Any thread.
class Fd {
 public:
  /// Takes `fd` (-1, as open(2) returns on failure, owns nothing).
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  /// Closes what this Fd held and takes `other`'s descriptor.
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  /// Closes now and reports the error close(2) may carry (e.g. on NFS); the
  /// Fd then holds -1.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_FD_H_
