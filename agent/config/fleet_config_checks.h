#ifndef NYMVISOR_AGENT_CONFIG_FLEET_CONFIG_CHECKS_H_
#define NYMVISOR_AGENT_CONFIG_FLEET_CONFIG_CHECKS_H_

#include "agent/base/status.h"
#include "agent/config/config.h"

namespace nymvisor {

// The checks of the fleet keys' rows (KeyCheck, as config_checks.h). Without
// nymvisor.fleet_endpoints every other fleet key must keep its default: an
// operator who set one believes the instance waits for its group, while it
// would upgrade on its own, so that is an error naming the key, not a warning.

/// The credential fleet_credential names by default (LoadCredential=).
inline constexpr char kDefaultFleetCredential[] = "nymvisor-fleet";

/// nymvisor.fleet_endpoints: each an http(s) URL without credentials, query
/// or path (the gateway's /v3/ paths are added by the agent); https when a
/// CA or client certificate is given.
Status CheckFleetEndpoints(const Config& config);
/// nymvisor.fleet_group: [A-Za-z0-9._-]+, not "." or ".."; required with
/// endpoints.
Status CheckFleetGroup(const Config& config);
/// nymvisor.fleet_max_unavailable: at least 1.
Status CheckFleetMaxUnavailable(const Config& config);
/// nymvisor.fleet_canary: false without endpoints.
Status CheckFleetCanary(const Config& config);
/// nymvisor.fleet_soak: 0 without endpoints.
Status CheckFleetSoak(const Config& config);
/// nymvisor.fleet_ca_file: unset or absolute.
Status CheckFleetCaFile(const Config& config);
/// nymvisor.fleet_cert_file: unset or absolute, given with fleet_key_file.
Status CheckFleetCertFile(const Config& config);
/// nymvisor.fleet_key_file: unset or absolute, given with fleet_cert_file.
Status CheckFleetKeyFile(const Config& config);
/// nymvisor.fleet_credential: a systemd credential name ([A-Za-z0-9._-]+)
/// or an absolute path; never the secret itself.
Status CheckFleetCredential(const Config& config);
/// nymvisor.fleet_on_unreachable: wait or proceed.
Status CheckFleetOnUnreachable(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_FLEET_CONFIG_CHECKS_H_
