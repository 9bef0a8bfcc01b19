#ifndef NYMVISOR_AGENT_ADAPTERS_SYSTEM_ACCOUNT_H_
#define NYMVISOR_AGENT_ADAPTERS_SYSTEM_ACCOUNT_H_

#include <sys/types.h>

#include <string>

#include "agent/base/status.h"

namespace nymvisor {

/// An account of the password database: who a node runs as.
struct SystemAccount {
  uid_t uid = 0;
  gid_t gid = 0;  ///< its primary group
  std::string home;
};

/// Looks `name` up (thread-safe, getpwnam_r). NotFound, "no account named
/// 'name'", when there is none.
Result<SystemAccount> LookUpAccount(const std::string& name);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_SYSTEM_ACCOUNT_H_
