#include "agent/adapters/account_switch.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "agent/adapters/system_account.h"

namespace nymvisor {

Status BecomeAccount(const std::string& user) {
  if (::geteuid() != 0 || user.empty()) return {};
  Result<SystemAccount> found = LookUpAccount(user);
  if (!found.ok()) return found.status().WithContext("daemon.user");
  if (found->uid == 0) return {};
  // Groups and gid first: once the uid is off 0 they can no longer change.
  if (::initgroups(user.c_str(), found->gid) != 0 ||
      ::setresgid(found->gid, found->gid, found->gid) != 0 ||
      ::setresuid(found->uid, found->uid, found->uid) != 0) {
    return Status::Error("cannot become '" + user + "': " + std::strerror(errno));
  }
  return {};
}

Status ExecAsAccount(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& extra_env,
                     const std::string& user) {
  if (argv.empty()) return Status::Error("no program to execute");
  NV_RETURN_IF_ERROR(BecomeAccount(user));
  for (const auto& [name, value] : extra_env) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  return Status::Error("cannot execute " + argv[0] + ": " + std::strerror(errno));
}

}  // namespace nymvisor
