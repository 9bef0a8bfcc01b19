#ifndef NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SWITCH_H_
#define NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SWITCH_H_

#include <string>
#include <utility>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// Root becomes `user` for good, so nothing it runs afterwards can regain
/// root: the account's supplementary groups (initgroups), then its primary
/// gid and its uid as the real, effective and saved ids. With every uid off
/// 0 the kernel empties the permitted, effective and ambient capability sets.
/// no_new_privs is left as it was (the units set NoNewPrivileges= where they
/// want it). A no-op that succeeds when the process is not root, when `user`
/// is empty, or when the account's uid is 0. Errors: an unknown account
/// (NotFound, in the context of daemon.user), or the call that failed, naming
/// the account. Process-wide and irreversible: call it only just before the
/// process does the account's work (`exec`, `run` started by hand as root),
/// on the main thread, before any other thread starts.
Status BecomeAccount(const std::string& user);

/// Replaces this process (execv) with `argv` run as `user` (BecomeAccount
/// first), with `extra_env` set in the environment: the node becomes the
/// unit's main process and no wrapper remains. `argv[0]` is the program's
/// path. Returns only on failure, naming the program (or the account).
Status ExecAsAccount(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& extra_env,
                     const std::string& user);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_ACCOUNT_SWITCH_H_
