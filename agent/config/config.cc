#include "agent/config/config.h"

#include <cctype>

#include "agent/config/config_keys.h"
#include "agent/config/url.h"

namespace nymvisor {

Config DefaultConfig(const std::string& daemon_name) {
  Config config;
  config.daemon.name = daemon_name;
  config.nymvisor.id = daemon_name + "-default";
  return config;
}

Result<std::string> UpgradeInfoUrl(const Config& config) {
  if (!config.daemon.absolute_upstream_upgrade_url.empty()) {
    return config.daemon.absolute_upstream_upgrade_url;
  }
  return UpgradeInfoUrlFromBase(config.nymvisor.upstream_base_upgrade_url, config.daemon.name);
}

std::string EffectiveUnit(const Config& config) {
  if (!config.daemon.unit.empty()) return config.daemon.unit;
  return "nymvisor-daemon@" + config.nymvisor.id + ".service";
}

Duration HealthCheckPeriod(const Config& config) {
  if (config.daemon.health_check_period > Duration::zero())
    return config.daemon.health_check_period;
  return config.daemon.startup_period_duration;
}

Duration UpgradeWindowNeeds(const Config& config) {
  return config.daemon.shutdown_grace_period + std::chrono::seconds(30) + HealthCheckPeriod(config);
}

Layout MakeLayout(const Config& config) {
  return MakeLayout(config.daemon.home, config.nymvisor.upgrade_data_directory,
                    config.daemon.backup_data_directory, config.daemon.name);
}

Status ValidateInstanceId(std::string_view id) {
  auto refuse = [&](std::string_view why) {
    return Status::Error("invalid instance id '" + std::string(id) + "': " + std::string(why));
  };
  if (id.empty()) return refuse("it is empty");
  if (id.size() > 128) return refuse("longer than 128 characters");
  if (id.front() == '.') return refuse("it starts with '.'");
  for (char c : id) {
    bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return refuse("only letters, digits and _ . : - are allowed");
  }
  return {};
}

namespace {

/// No value that reaches a unit file or a path may hold a control character
/// (a newline would add a line to a drop-in).
Status CheckNoControlCharacters(const Config& config) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.kind == ValueKind::kList && key.name != "trusted_keys" && key.list_separator == 0)
      continue;
    std::string text = ValueAsText(key, config);
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Status::Error(key.FullName() +
                             ": contains a control character (newline, NUL, tab...)");
      }
    }
  }
  return {};
}

}  // namespace

Status ValidateConfig(const Config& config) {
  NV_RETURN_IF_ERROR(CheckNoControlCharacters(config));
  for (const ConfigKey& key : AllConfigKeys()) NV_RETURN_IF_ERROR(key.check(config));
  return {};
}

}  // namespace nymvisor
