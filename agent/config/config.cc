#include "agent/config/config.h"

#include <cctype>

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

Status ValidateUnitName(const std::string& unit) {
  constexpr std::string_view kSuffix = ".service";
  bool ok = unit.size() > kSuffix.size() &&
            unit.compare(unit.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 &&
            unit.find('/') == std::string::npos && unit.find(' ') == std::string::npos;
  if (!ok) return Status::Error("daemon.unit: '" + unit + "' is not a systemd .service name");
  return {};
}

}  // namespace

Status ValidateConfig(const Config& config) {
  NV_RETURN_IF_ERROR(ValidateInstanceId(config.nymvisor.id).WithContext("nymvisor.id"));
  if (config.daemon.name.empty()) return Status::Error("daemon.name: must not be empty");
  if (config.daemon.name.find('/') != std::string::npos) {
    return Status::Error("daemon.name: '" + config.daemon.name + "' must not contain '/'");
  }
  if (config.daemon.home.empty()) return Status::Error("daemon.home: must not be empty");
  if (config.daemon.home.front() != '/') {
    return Status::Error("daemon.home: '" + config.daemon.home + "' must be an absolute path");
  }
  for (const auto& [key, dir] :
       {std::pair{"nymvisor.upgrade_data_directory", &config.nymvisor.upgrade_data_directory},
        std::pair{"daemon.backup_data_directory", &config.daemon.backup_data_directory}}) {
    if (!dir->empty() && dir->front() != '/') {
      return Status::Error(std::string(key) + ": '" + *dir + "' must be an absolute path");
    }
  }
  if (const std::string& metrics = config.nymvisor.metrics_textfile; !metrics.empty()) {
    if (metrics.front() != '/' || !metrics.ends_with(".prom")) {
      return Status::Error("nymvisor.metrics_textfile: '" + metrics +
                           "' must be an absolute path ending in .prom (node_exporter reads "
                           "only *.prom files)");
    }
  }
  if (config.nymvisor.upstream_polling_rate <= Duration::zero()) {
    return Status::Error("nymvisor.upstream_polling_rate: must be greater than zero");
  }
  NV_RETURN_IF_ERROR(ValidateHttpUrl(config.nymvisor.upstream_base_upgrade_url)
                         .WithContext("nymvisor.upstream_base_upgrade_url"));
  if (!config.daemon.absolute_upstream_upgrade_url.empty()) {
    NV_RETURN_IF_ERROR(ValidateHttpUrl(config.daemon.absolute_upstream_upgrade_url)
                           .WithContext("daemon.absolute_upstream_upgrade_url"));
  }
  return ValidateUnitName(EffectiveUnit(config));
}

}  // namespace nymvisor
