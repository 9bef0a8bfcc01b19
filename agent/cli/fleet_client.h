#ifndef NYMVISOR_AGENT_CLI_FLEET_CLIENT_H_
#define NYMVISOR_AGENT_CLI_FLEET_CLIENT_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/adapters/etcd_gateway.h"
#include "agent/base/status.h"
#include "agent/config/config.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

// How an instance reaches its fleet group's etcd: the endpoints, the TLS
// files and the credential of its config, as one EtcdGatewayOptions. The
// CLI (`nymvisor fleet ...`) and the agent's wiring build it here, so both
// talk to etcd the same way.

/// Where a fleet_credential that is a name (not a path) is looked for.
struct FleetCredentialLookup {
  /// The unit's $CREDENTIALS_DIRECTORY (LoadCredential= put it there): the
  /// agent passes it; unset outside a unit.
  std::optional<std::filesystem::path> credentials_directory{};
  /// Then systemd's own search path for `LoadCredential=NAME` without a
  /// path (systemd.exec(5)), so root's CLI, outside the unit, finds the
  /// file the unit is given. The agent may pass none.
  std::vector<std::filesystem::path> credstores{"/etc/credstore", "/run/credstore",
                                                "/usr/lib/credstore"};
};

/// The etcd options for `config` (which has fleet_endpoints). The
/// credential: fleet_credential as an absolute path must exist; as a name,
/// the first of lookup's places that holds it, and none means no
/// authentication (credentials_source then says where it looked). The file
/// must be root-only (FileSystem::ReadTrusted walks the path) and readable
/// by its owner alone (mode 0600 or 0400), and holds the user on its first
/// line, the password on its second. Errors name the file and the fix.
Result<EtcdGatewayOptions> BuildFleetClientOptions(const Config& config, FileSystem& files,
                                                   const FleetCredentialLookup& lookup);

/// What ExplainFleetError names besides the error itself.
struct FleetErrorContext {
  std::filesystem::path config_path{};
  EtcdGatewayOptions options{};  ///< the endpoints and the credential used
  std::string group{};
};

/// An error of an Etcd call in the operator's terms (EtcdErrorOf): etcd
/// unreachable names the endpoints tried and the config key; a refused
/// login or missing one names the credential file and the user; a denied
/// key names the user and the role grant the group needs. Other errors
/// keep their message, prefixed "etcd: ".
Status ExplainFleetError(const Status& status, const FleetErrorContext& context);

/// `etcd` with every error of its calls explained (ExplainFleetError), so
/// the fleet commands' own refusals and etcd's errors stay apart. Same
/// threading as `etcd`.
std::unique_ptr<Etcd> ExplainingEtcd(std::unique_ptr<Etcd> etcd, FleetErrorContext context);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_FLEET_CLIENT_H_
