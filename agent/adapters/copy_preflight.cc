#include "agent/adapters/copy_preflight.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "agent/adapters/file_copy.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

bool InOwnGroups(gid_t gid) {
  if (gid == ::getegid()) return true;  // the common case: no system call
  int count = ::getgroups(0, nullptr);
  std::vector<gid_t> groups(std::max(count, 0));
  count = ::getgroups(static_cast<int>(groups.size()), groups.data());
  return count > 0 &&
         std::find(groups.begin(), groups.begin() + count, gid) != groups.begin() + count;
}

/// "nym:" (the account and its login group), for a chown that fixes an entry.
std::string OwnAccount() {
  const passwd* account = ::getpwuid(::geteuid());
  if (account) return std::string(account->pw_name) + ":";
  return std::to_string(::geteuid()) + ":" + std::to_string(::getegid());
}

/// "0555": the permission bits of `mode` in octal.
std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Status Uncopyable(const stdfs::path& path, const std::string& why, const std::string& fix) {
  return Status::Error(
      path.string() + " " + why + ", so a restore could not put it back; run '" + fix + " " +
      path.string() +
      "' (as root), then queue the upgrade again with 'nymvisor add-upgrade ... --force'");
}

}  // namespace

Status CheckCopyableBack(const struct stat& st, const stdfs::path& path) {
  uid_t uid = ::geteuid();
  if (st.st_uid != uid) {
    return Uncopyable(path,
                      "belongs to uid " + std::to_string(st.st_uid) +
                          ", not to the account of the node (uid " + std::to_string(uid) + ")",
                      "chown -h " + OwnAccount());
  }
  if (!InOwnGroups(st.st_gid)) {
    return Uncopyable(
        path,
        "belongs to group " + std::to_string(st.st_gid) + ", not one of the node account's groups",
        "chgrp -h " + std::to_string(::getegid()));
  }
  if (S_ISDIR(st.st_mode) && (st.st_mode & S_IWUSR) == 0) {
    return Uncopyable(path,
                      "is a directory its owner may not write (mode " + ModeText(st.st_mode) + ")",
                      "chmod u+w");
  }
  if (S_ISREG(st.st_mode) && (st.st_mode & S_IWUSR) == 0 &&
      static_cast<uint64_t>(st.st_size) >= kBlockDeltaMinSize) {
    return Uncopyable(
        path,
        "is a file of 1 MiB or more its owner may not write (mode " + ModeText(st.st_mode) + ")",
        "chmod u+w");
  }
  return {};
}

}  // namespace nymvisor
