#include "agent/adapters/account_scope.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "agent/adapters/system_account.h"

namespace nymvisor {
namespace {

Status Errno(const std::string& what) { return Status::Error(what + ": " + std::strerror(errno)); }

}  // namespace

Result<std::unique_ptr<AccountScope>> AccountScope::Enter(const std::string& user) {
  std::unique_ptr<AccountScope> scope(new AccountScope());
  if (user.empty() || ::geteuid() != 0) return scope;
  NV_ASSIGN_OR_RETURN(SystemAccount found, LookUpAccount(user));
  if (found.uid == 0) return scope;
  int count = 64;
  std::vector<gid_t> groups(count);
  if (::getgrouplist(user.c_str(), found.gid, groups.data(), &count) < 0) {
    groups.resize(count);
    ::getgrouplist(user.c_str(), found.gid, groups.data(), &count);
  }
  groups.resize(count);
  int saved = ::getgroups(0, nullptr);
  scope->saved_groups_.resize(saved > 0 ? saved : 0);
  if (saved > 0 && ::getgroups(saved, scope->saved_groups_.data()) != saved) {
    return Errno("getgroups");
  }
  if (::setgroups(groups.size(), groups.data()) != 0) return Errno("setgroups for " + user);
  if (::setresgid(-1, found.gid, -1) != 0) return Errno("setegid for " + user);
  if (::setresuid(-1, found.uid, -1) != 0) return Errno("seteuid for " + user);
  scope->active_ = true;
  return scope;
}

AccountScope::~AccountScope() {
  if (!active_) return;
  // Back to root: a failure here would leave the process half dropped, and
  // it must not go on as root-with-someone-else's-files: stop it.
  if (::setresuid(-1, 0, -1) != 0 || ::setresgid(-1, 0, -1) != 0 ||
      ::setgroups(saved_groups_.size(), saved_groups_.data()) != 0) {
    std::abort();
  }
}

}  // namespace nymvisor
