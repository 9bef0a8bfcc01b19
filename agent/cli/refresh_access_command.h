#ifndef NYMVISOR_AGENT_CLI_REFRESH_ACCESS_COMMAND_H_
#define NYMVISOR_AGENT_CLI_REFRESH_ACCESS_COMMAND_H_

#include <filesystem>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

/// Where the files that give an agent least privilege live.
struct AccessPaths {
  std::filesystem::path etc_dir = "/etc/nymvisor";
  std::filesystem::path dbus_dir = "/etc/dbus-1/system.d";
  std::filesystem::path polkit_rules_dir = "/etc/polkit-1/rules.d";
  std::filesystem::path polkit_actions = "/usr/share/polkit-1/actions/net.nymtech.nymvisor1.policy";
  std::filesystem::path polkit_template = "/usr/share/nymvisor/net.nymtech.nymvisor1.policy";
};

/// Sets up what the instance's agent needs to run as its node's account
/// (daemon.user), or removes it when the node runs as root: the bus policy
/// that lets it own its bus name, the polkit rule that lets it start, stop
/// and restart its node's unit only, its config readable by it (root-owned,
/// mode 0640, its group), and nymvisor's directories owned by it. Then
/// rewrites the control API's polkit actions with every unprivileged agent
/// of etc_dir as an owner. Returns what it changed, for the operator. Root
/// only (init and refresh-access).
Result<std::vector<std::string>> RefreshAccess(const AccessPaths& paths, const Config& config,
                                               const std::filesystem::path& config_path,
                                               FileSystem& files);

/// RefreshAccess for every instance in etc_dir (the package's postinst).
/// An instance whose config cannot be read is reported and skipped.
std::vector<std::string> RefreshAllAccess(const AccessPaths& paths, FileSystem& files);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_REFRESH_ACCESS_COMMAND_H_
