#include "agent/adapters/system_account.h"

#include <pwd.h>

namespace nymvisor {

Result<SystemAccount> LookUpAccount(const std::string& name) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwnam_r(name.c_str(), &pw, buf, sizeof buf, &found) != 0 || found == nullptr) {
    return Status::NotFound("no account named '" + name + "'");
  }
  return SystemAccount{found->pw_uid, found->pw_gid, found->pw_dir ? found->pw_dir : ""};
}

}  // namespace nymvisor
