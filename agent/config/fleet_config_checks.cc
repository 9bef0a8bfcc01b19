#include "agent/config/fleet_config_checks.h"

#include <string_view>

#include "agent/base/url_redaction.h"
#include "agent/config/url.h"
#include "agent/decide/fleet_keys.h"

namespace nymvisor {
namespace {

Status Refuse(std::string_view key, const std::string& why) {
  return Status::Error(std::string(key) + ": " + why);
}

bool FleetOn(const Config& config) { return !config.nymvisor.fleet_endpoints.empty(); }

/// A fleet key set while the fleet is off: the operator expects a rollout
/// that would not happen.
Status InertWithoutEndpoints(std::string_view key) {
  std::string name(key.substr(key.find('.') + 1));
  return Refuse(key,
                "is set but nymvisor.fleet_endpoints is empty, so this instance is in no "
                "fleet and upgrades on its own; set fleet_endpoints too" +
                    std::string(name == "fleet_group" ? "" : " (and fleet_group)") +
                    ", or remove " + name);
}

Status AbsolutePath(std::string_view key, const std::string& path) {
  if (!path.empty() && path.front() != '/') {
    return Refuse(key, "'" + path + "' must be an absolute path");
  }
  return {};
}

/// The part between "scheme://" and the path: where credentials would be.
std::string_view Authority(std::string_view url) {
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string_view::npos ? url.npos : end - start);
}

Status CheckOneEndpoint(const std::string& url, bool needs_https) {
  const std::string key = "nymvisor.fleet_endpoints";
  const std::string shown = RedactUrl(url);
  if (!ValidateHttpUrl(url).ok()) {
    return Refuse(key, "'" + shown +
                           "' is not an http(s) URL with a host; write each endpoint as "
                           "http(s)://host:port, e.g. https://10.0.0.5:2379");
  }
  if (Authority(url).find('@') != std::string_view::npos) {
    return Refuse(key, "'" + shown +
                           "' carries credentials; give the etcd user and password in "
                           "the file nymvisor.fleet_credential names instead");
  }
  std::string_view rest = std::string_view(url).substr(url.find("://") + 3 + Authority(url).size());
  if (!rest.empty() && rest != "/") {
    return Refuse(key, "'" + shown +
                           "' has a path, query or fragment; give only scheme, host and port, "
                           "e.g. https://10.0.0.5:2379 (the agent adds the /v3/ paths)");
  }
  if (needs_https && !url.starts_with("https://")) {
    return Refuse(key, "'" + shown +
                           "' is not https, but a CA or client certificate is set; write "
                           "https:// or remove fleet_ca_file, fleet_cert_file and fleet_key_file");
  }
  return {};
}

/// The TLS file pair: one without the other cannot authenticate. The
/// error names the missing one.
Status NotWithout(std::string_view key, const std::string& value, const std::string& other,
                  std::string_view other_name) {
  if (value.empty() && !other.empty()) {
    return Refuse(key, "is empty but " + std::string(other_name) +
                           " is set: fleet_cert_file and fleet_key_file go together (the "
                           "client certificate and its key); set both or neither");
  }
  return {};
}

Status CheckTlsFile(std::string_view key, const std::string& path, const Config& config) {
  if (path.empty()) return {};
  if (!FleetOn(config)) return InertWithoutEndpoints(key);
  return AbsolutePath(key, path);
}

}  // namespace

Status CheckFleetEndpoints(const Config& config) {
  const NymvisorSection& n = config.nymvisor;
  bool needs_https = !n.fleet_ca_file.empty() || !n.fleet_cert_file.empty();
  for (const std::string& url : n.fleet_endpoints) {
    NV_RETURN_IF_ERROR(CheckOneEndpoint(url, needs_https));
  }
  return {};
}

Status CheckFleetGroup(const Config& config) {
  const std::string& group = config.nymvisor.fleet_group;
  const char* key = "nymvisor.fleet_group";
  if (!FleetOn(config)) return group.empty() ? Status() : InertWithoutEndpoints(key);
  if (group.empty()) {
    return Refuse(key,
                  "is required when fleet_endpoints is set: name the group of hosts that "
                  "upgrade in turn, e.g. fleet_group = 'mixnodes-eu' (init: --fleet-group "
                  "mixnodes-eu)");
  }
  if (!IsSafeKeySegment(group)) {
    return Refuse(key, "'" + group +
                           "' may hold only letters, digits, '.', '_' and '-' (at most 128, "
                           "not . or ..): it is part of the group's etcd keys");
  }
  return {};
}

Status CheckFleetMaxUnavailable(const Config& config) {
  uint64_t n = config.nymvisor.fleet_max_unavailable;
  const char* key = "nymvisor.fleet_max_unavailable";
  if (n == 0) {
    return Refuse(key, "must be at least 1 (how many hosts of the group may upgrade at once)");
  }
  if (n != 1 && !FleetOn(config)) return InertWithoutEndpoints(key);
  return {};
}

Status CheckFleetCanary(const Config& config) {
  if (config.nymvisor.fleet_canary && !FleetOn(config)) {
    return InertWithoutEndpoints("nymvisor.fleet_canary");
  }
  return {};
}

Status CheckFleetSoak(const Config& config) {
  if (config.nymvisor.fleet_soak != Duration::zero() && !FleetOn(config)) {
    return InertWithoutEndpoints("nymvisor.fleet_soak");
  }
  return {};
}

Status CheckFleetCaFile(const Config& config) {
  return CheckTlsFile("nymvisor.fleet_ca_file", config.nymvisor.fleet_ca_file, config);
}

Status CheckFleetCertFile(const Config& config) {
  const char* key = "nymvisor.fleet_cert_file";
  const NymvisorSection& n = config.nymvisor;
  NV_RETURN_IF_ERROR(CheckTlsFile(key, n.fleet_cert_file, config));
  return NotWithout(key, n.fleet_cert_file, n.fleet_key_file, "fleet_key_file");
}

Status CheckFleetKeyFile(const Config& config) {
  const char* key = "nymvisor.fleet_key_file";
  const NymvisorSection& n = config.nymvisor;
  NV_RETURN_IF_ERROR(CheckTlsFile(key, n.fleet_key_file, config));
  return NotWithout(key, n.fleet_key_file, n.fleet_cert_file, "fleet_cert_file");
}

Status CheckFleetCredential(const Config& config) {
  const std::string& credential = config.nymvisor.fleet_credential;
  const char* key = "nymvisor.fleet_credential";
  if (credential.empty()) {
    return Refuse(key,
                  std::string("must name a credential; the default is ") + kDefaultFleetCredential);
  }
  if (credential != kDefaultFleetCredential && !FleetOn(config)) {
    return InertWithoutEndpoints(key);
  }
  if (credential.front() == '/') return {};
  if (!IsSafeKeySegment(credential)) {
    // Not shown: it may be the secret itself, pasted in by mistake.
    return Refuse(key,
                  "is neither a credential name (letters, digits, '.', '_', '-', as in "
                  "LoadCredential=nymvisor-fleet:/etc/nymvisor/fleet.cred) nor an absolute path "
                  "to a root-only file; never give the etcd user and password here: put "
                  "'user:password' in a root-only file and name that");
  }
  return {};
}

Status CheckFleetOnUnreachable(const Config& config) {
  const std::string& mode = config.nymvisor.fleet_on_unreachable;
  const char* key = "nymvisor.fleet_on_unreachable";
  if (mode != "wait" && mode != "proceed") {
    return Refuse(key, "'" + mode +
                           "' is neither wait (hold upgrades while etcd cannot be reached) nor "
                           "proceed (upgrade without the group)");
  }
  if (mode != "wait" && !FleetOn(config)) return InertWithoutEndpoints(key);
  return {};
}

}  // namespace nymvisor
