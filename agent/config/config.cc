#include "agent/config/config.h"

#include <cctype>
#include <cstring>
#include <filesystem>

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

/// Below this, polling hammers upstream (the end-to-end suite polls every 2 s).
constexpr Duration kMinPollingRate = std::chrono::seconds(2);
constexpr Duration kMinPeriod = std::chrono::seconds(1);

/// Directories that may not be a node's home: a rollback restores the home's
/// top-level entries, and the agent's unit may write it.
constexpr std::string_view kSystemDirs[] = {
    "/",        "/bin",     "/boot",      "/dev",      "/etc",       "/home", "/lib",
    "/lib32",   "/lib64",   "/libx32",    "/media",    "/mnt",       "/opt",  "/proc",
    "/root",    "/run",     "/sbin",      "/srv",      "/sys",       "/tmp",  "/usr",
    "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/var",  "/var/cache",
    "/var/lib", "/var/log", "/var/tmp",   "/var/spool"};
constexpr std::string_view kPseudoFilesystems[] = {"/proc/", "/sys/", "/dev/", "/run/"};

Status Refuse(std::string_view key, const std::string& why) {
  return Status::Error(std::string(key) + ": " + why);
}

/// No value that reaches a unit file or a path may hold a control character
/// (a newline would add a line to a drop-in).
Status CheckNoControlCharacters(const Config& config) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.kind == ValueKind::kList && key.name != "trusted_keys") continue;
    std::string text = ValueAsText(key, config);
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Refuse(key.FullName(), "contains a control character (newline, NUL, tab...)");
      }
    }
  }
  return {};
}

/// A minisign public key line: base64 of "Ed", an 8-byte id and a 32-byte
/// key, so 56 characters starting "RW". (The adapter checks the bytes.)
Status ValidateTrustedKeys(const Config& config) {
  for (const std::string& key : config.nymvisor.trusted_keys) {
    bool ok = key.size() == 56 && key.starts_with("RW");
    for (char c : key)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/');
    if (!ok) {
      return Refuse("nymvisor.trusted_keys",
                    "'" + key +
                        "' is not a minisign public key (the second line of a "
                        "minisign .pub file, 56 characters starting with RW)");
    }
  }
  if (config.nymvisor.require_signature && config.nymvisor.trusted_keys.empty()) {
    return Refuse("nymvisor.require_signature",
                  "is true but nymvisor.trusted_keys is empty: no signature could be accepted");
  }
  return {};
}

Status ValidateUnitName(const std::string& unit) {
  constexpr std::string_view kSuffix = ".service";
  std::string_view base(unit);
  bool ok = unit.size() > kSuffix.size() && unit.size() <= 255 && unit.ends_with(kSuffix);
  if (ok) base.remove_suffix(kSuffix.size());
  size_t at = base.find('@');
  ok = ok && !base.empty() && base.front() != '@' && base.find('@', at + 1) == std::string::npos &&
       (at == std::string::npos || at + 1 < base.size());
  for (char c : base) {
    ok =
        ok && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr(":-_.\\@", c) != nullptr);
  }
  if (!ok) {
    return Refuse("daemon.unit", "'" + unit +
                                     "' is not a systemd service name (letters, digits and "
                                     ":-_.\\@, ending in .service, an instance after '@')");
  }
  return {};
}

Status ValidateUserName(const std::string& user) {
  if (user.empty()) return {};
  bool ok =
      user.size() <= 32 && (std::isalpha(static_cast<unsigned char>(user[0])) || user[0] == '_');
  for (char c : user) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  }
  if (!ok) return Refuse("daemon.user", "'" + user + "' is not an account name");
  return {};
}

Status ValidateDaemonName(const std::string& name) {
  if (name.empty()) return Refuse("daemon.name", "must not be empty");
  if (name.find('/') != std::string::npos || name == "." || name == ".." || name.size() > 255) {
    return Refuse("daemon.name", "'" + name + "' must be a file name (no '/', not . or ..)");
  }
  return {};
}

Status ValidateHome(const std::string& home) {
  if (home.empty()) return Refuse("daemon.home", "must not be empty");
  if (home.front() != '/') return Refuse("daemon.home", "'" + home + "' must be an absolute path");
  std::filesystem::path clean = std::filesystem::path(home).lexically_normal();
  std::string text = clean.string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  for (std::string_view dir : kSystemDirs) {
    if (text == dir) {
      return Refuse("daemon.home", "'" + home +
                                       "' is a system directory; give the node a "
                                       "directory of its own, such as /var/lib/nym/<id>");
    }
  }
  for (std::string_view prefix : kPseudoFilesystems) {
    if ((text + "/").starts_with(prefix)) {
      return Refuse("daemon.home", "'" + home + "' is under " + std::string(prefix));
    }
  }
  return {};
}

Status ValidateDirectories(const Config& config) {
  for (const auto& [key, dir] :
       {std::pair{"nymvisor.upgrade_data_directory", &config.nymvisor.upgrade_data_directory},
        std::pair{"daemon.backup_data_directory", &config.daemon.backup_data_directory}}) {
    if (!dir->empty() && dir->front() != '/') {
      return Refuse(key, "'" + *dir + "' must be an absolute path");
    }
  }
  if (const std::string& metrics = config.nymvisor.metrics_textfile; !metrics.empty()) {
    if (metrics.front() != '/' || !metrics.ends_with(".prom")) {
      return Refuse("nymvisor.metrics_textfile",
                    "'" + metrics +
                        "' must be an absolute path ending in .prom (node_exporter reads only "
                        "*.prom files)");
    }
  }
  return {};
}

Status ValidateDurations(const Config& config) {
  if (config.nymvisor.upstream_polling_rate < kMinPollingRate) {
    return Refuse("nymvisor.upstream_polling_rate",
                  FormatDuration(config.nymvisor.upstream_polling_rate) +
                      " is too often; it must be at least " + FormatDuration(kMinPollingRate));
  }
  for (const auto& [key, value] :
       {std::pair{"daemon.startup_period_duration", config.daemon.startup_period_duration},
        std::pair{"daemon.shutdown_grace_period", config.daemon.shutdown_grace_period}}) {
    if (value < kMinPeriod) return Refuse(key, "must be at least " + FormatDuration(kMinPeriod));
  }
  Duration health = config.daemon.health_check_period;
  if (health != Duration::zero() && health < kMinPeriod) {
    return Refuse("daemon.health_check_period",
                  "must be at least " + FormatDuration(kMinPeriod) + " (or unset)");
  }
  return {};
}

}  // namespace

/// upstream_source and the github keys, which name a URL path and a tag.
Status ValidateUpstreamSource(const Config& config) {
  const NymvisorSection& n = config.nymvisor;
  if (n.upstream_source != "upgrade-info" && n.upstream_source != "github") {
    return Refuse("nymvisor.upstream_source",
                  "'" + n.upstream_source + "' is neither upgrade-info nor github");
  }
  size_t slash = n.github_repository.find('/');
  bool repo_ok = slash != std::string::npos && slash > 0 &&
                 slash + 1 < n.github_repository.size() &&
                 n.github_repository.find('/', slash + 1) == std::string::npos;
  for (char c : n.github_repository) {
    repo_ok = repo_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                          c == '.' || c == '/');
  }
  if (!repo_ok) {
    return Refuse("nymvisor.github_repository", "'" + n.github_repository + "' is not owner/name");
  }
  NV_RETURN_IF_ERROR(ValidateHttpUrl(n.github_api_url).WithContext("nymvisor.github_api_url"));
  if (n.upstream_source == "github" && n.require_signature) {
    return Refuse("nymvisor.require_signature",
                  "cannot be met with upstream_source = github (the default for a new "
                  "instance): GitHub releases carry no minisign signatures; set "
                  "upstream_source = upgrade-info and its URL, or drop require_signature");
  }
  return {};
}

Status ValidateConfig(const Config& config) {
  NV_RETURN_IF_ERROR(CheckNoControlCharacters(config));
  NV_RETURN_IF_ERROR(ValidateInstanceId(config.nymvisor.id).WithContext("nymvisor.id"));
  NV_RETURN_IF_ERROR(ValidateDaemonName(config.daemon.name));
  NV_RETURN_IF_ERROR(ValidateHome(config.daemon.home));
  NV_RETURN_IF_ERROR(ValidateDirectories(config));
  NV_RETURN_IF_ERROR(ValidateUserName(config.daemon.user));
  NV_RETURN_IF_ERROR(ValidateDurations(config));
  NV_RETURN_IF_ERROR(ValidateTrustedKeys(config));
  if (config.daemon.max_download_size_mib == 0) {
    return Status::Error("daemon.max_download_size_mib must be at least 1 (MiB)");
  }
  NV_RETURN_IF_ERROR(ValidateUpstreamSource(config));
  NV_RETURN_IF_ERROR(ValidateHttpUrl(config.nymvisor.upstream_base_upgrade_url)
                         .WithContext("nymvisor.upstream_base_upgrade_url"));
  if (!config.daemon.absolute_upstream_upgrade_url.empty()) {
    NV_RETURN_IF_ERROR(ValidateHttpUrl(config.daemon.absolute_upstream_upgrade_url)
                           .WithContext("daemon.absolute_upstream_upgrade_url"));
  }
  return ValidateUnitName(EffectiveUnit(config));
}

}  // namespace nymvisor
