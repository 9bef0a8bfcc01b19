#ifndef NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SCOPE_H_
#define NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SCOPE_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// While it lives, the process acts as another account: its effective uid,
/// gid and supplementary groups are that account's (the real and saved uid
/// stay root, so the destructor can switch back). The root CLI works inside a
/// node's files only this way: a symlink or a swapped directory there can
/// then do nothing the node's account could not do itself. Files it creates
/// belong to that account. Child processes must drop to the account fully
/// (PosixProcessRunner does). Process-wide: main thread only, and nothing
/// else may run meanwhile.
class AccountScope {
 public:
  /// Acts as `user` when running as root and `user` is another account; a
  /// no-op (that still succeeds) otherwise. NotFound for an unknown account.
  static Result<std::unique_ptr<AccountScope>> Enter(const std::string& user);
  ~AccountScope();
  AccountScope(const AccountScope&) = delete;
  AccountScope& operator=(const AccountScope&) = delete;

  bool active() const { return active_; }

 private:
  AccountScope() = default;
  bool active_ = false;
  std::vector<gid_t> saved_groups_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SCOPE_H_
