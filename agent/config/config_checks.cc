#include "agent/config/config_checks.h"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "agent/base/command_line.h"
#include "agent/config/time_zone_names.h"
#include "agent/config/url.h"
#include "agent/decide/maintenance_window.h"

namespace nymvisor {
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

Status AbsoluteOrUnset(std::string_view key, const std::string& dir) {
  if (!dir.empty() && dir.front() != '/')
    return Refuse(key, "'" + dir + "' must be an absolute path");
  return {};
}

Status AtLeastOneSecond(std::string_view key, Duration value) {
  if (value < kMinPeriod) return Refuse(key, "must be at least " + FormatDuration(kMinPeriod));
  return {};
}

}  // namespace

Status AnyValue(const Config&) { return {}; }

Status CheckInstanceId(const Config& config) {
  return ValidateInstanceId(config.nymvisor.id).WithContext("nymvisor.id");
}

Status CheckBaseUpgradeUrl(const Config& config) {
  return ValidateHttpUrl(config.nymvisor.upstream_base_upgrade_url)
      .WithContext("nymvisor.upstream_base_upgrade_url");
}

Status CheckPollingRate(const Config& config) {
  if (config.nymvisor.upstream_polling_rate < kMinPollingRate) {
    return Refuse("nymvisor.upstream_polling_rate",
                  FormatDuration(config.nymvisor.upstream_polling_rate) +
                      " is too often; it must be at least " + FormatDuration(kMinPollingRate));
  }
  return {};
}

Status CheckUpgradeDataDirectory(const Config& config) {
  return AbsoluteOrUnset("nymvisor.upgrade_data_directory", config.nymvisor.upgrade_data_directory);
}

Status CheckMetricsTextfile(const Config& config) {
  const std::string& metrics = config.nymvisor.metrics_textfile;
  if (!metrics.empty() && (metrics.front() != '/' || !metrics.ends_with(".prom"))) {
    return Refuse("nymvisor.metrics_textfile",
                  "'" + metrics +
                      "' must be an absolute path ending in .prom (node_exporter reads only "
                      "*.prom files)");
  }
  return {};
}

/// A minisign public key line: base64 of "Ed", an 8-byte id and a 32-byte
/// key, so 56 characters starting "RW". (The adapter checks the bytes.)
Status CheckTrustedKeys(const Config& config) {
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
  return {};
}

Status CheckRequireSignature(const Config& config) {
  const NymvisorSection& n = config.nymvisor;
  if (n.require_signature && n.trusted_keys.empty()) {
    return Refuse("nymvisor.require_signature",
                  "is true but nymvisor.trusted_keys is empty: no signature could be accepted");
  }
  if (n.upstream_source == "github" && n.require_signature) {
    return Refuse("nymvisor.require_signature",
                  "cannot be met with upstream_source = github (the default for a new "
                  "instance): GitHub releases carry no minisign signatures; set "
                  "upstream_source = upgrade-info and its URL, or drop require_signature");
  }
  return {};
}

Status CheckUpstreamSource(const Config& config) {
  const std::string& source = config.nymvisor.upstream_source;
  if (source != "upgrade-info" && source != "github") {
    return Refuse("nymvisor.upstream_source",
                  "'" + source + "' is neither upgrade-info nor github");
  }
  return {};
}

Status CheckGithubRepository(const Config& config) {
  const std::string& repo = config.nymvisor.github_repository;
  size_t slash = repo.find('/');
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < repo.size() &&
            repo.find('/', slash + 1) == std::string::npos;
  for (char c : repo) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
                c == '/');
  }
  if (!ok) return Refuse("nymvisor.github_repository", "'" + repo + "' is not owner/name");
  return {};
}

Status CheckGithubApiUrl(const Config& config) {
  return ValidateHttpUrl(config.nymvisor.github_api_url).WithContext("nymvisor.github_api_url");
}

Status CheckDaemonName(const Config& config) {
  const std::string& name = config.daemon.name;
  if (name.empty()) return Refuse("daemon.name", "must not be empty");
  if (name.find('/') != std::string::npos || name == "." || name == ".." || name.size() > 255) {
    return Refuse("daemon.name", "'" + name + "' must be a file name (no '/', not . or ..)");
  }
  return {};
}

Status CheckHome(const Config& config) {
  const std::string& home = config.daemon.home;
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

Status CheckAbsoluteUpgradeUrl(const Config& config) {
  const std::string& url = config.daemon.absolute_upstream_upgrade_url;
  if (url.empty()) return {};
  return ValidateHttpUrl(url).WithContext("daemon.absolute_upstream_upgrade_url");
}

Status CheckStartupPeriod(const Config& config) {
  return AtLeastOneSecond("daemon.startup_period_duration", config.daemon.startup_period_duration);
}

Status CheckShutdownGracePeriod(const Config& config) {
  return AtLeastOneSecond("daemon.shutdown_grace_period", config.daemon.shutdown_grace_period);
}

Status CheckBackupDataDirectory(const Config& config) {
  return AbsoluteOrUnset("daemon.backup_data_directory", config.daemon.backup_data_directory);
}

Status CheckUnit(const Config& config) {
  constexpr std::string_view kSuffix = ".service";
  std::string unit = EffectiveUnit(config);
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

Status CheckUser(const Config& config) {
  const std::string& user = config.daemon.user;
  if (user.empty()) return {};
  bool ok =
      user.size() <= 32 && (std::isalpha(static_cast<unsigned char>(user[0])) || user[0] == '_');
  for (char c : user) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  }
  if (!ok) return Refuse("daemon.user", "'" + user + "' is not an account name");
  return {};
}

Status CheckMaxDownloadSize(const Config& config) {
  if (config.daemon.max_download_size_mib == 0) {
    return Refuse("daemon.max_download_size_mib", "must be at least 1 (MiB)");
  }
  return {};
}

Status CheckHealthCheckPeriod(const Config& config) {
  Duration health = config.daemon.health_check_period;
  if (health != Duration::zero() && health < kMinPeriod) {
    return Refuse("daemon.health_check_period",
                  "must be at least " + FormatDuration(kMinPeriod) + " (or unset)");
  }
  return {};
}

namespace {

Status CheckCommand(std::string_view key, const std::string& command) {
  if (command.empty()) return {};
  Result<std::vector<std::string>> words = SplitCommandLine(command);
  if (!words.ok()) return Refuse(key, words.status().message() + " (in '" + command + "')");
  return {};
}

}  // namespace

Status CheckBusyCheck(const Config& config) {
  return CheckCommand("daemon.busy_check", config.daemon.busy_check);
}

Status CheckPreUpgradeCommand(const Config& config) {
  return CheckCommand("daemon.pre_upgrade_command", config.daemon.pre_upgrade_command);
}

Status CheckPostUpgradeCommand(const Config& config) {
  return CheckCommand("daemon.post_upgrade_command", config.daemon.post_upgrade_command);
}

Status CheckBusyDeadline(const Config& config) {
  return AtLeastOneSecond("daemon.busy_deadline", config.daemon.busy_deadline);
}

Status CheckHealthCheckUrl(const Config& config) {
  const std::string& url = config.daemon.health_check_url;
  if (url.empty()) return {};
  return ValidateNodeApiUrl(url).WithContext("daemon.health_check_url");
}

Status CheckBuildInfoUrl(const Config& config) {
  const std::string& url = config.daemon.build_info_url;
  if (url.empty()) return {};
  return ValidateNodeApiUrl(url).WithContext("daemon.build_info_url");
}

Status CheckUpgradeWindows(const Config& config) {
  Duration needs = UpgradeWindowNeeds(config);
  for (const std::string& text : config.nymvisor.upgrade_windows) {
    Result<WindowSpec> spec = ParseWindowSpec(text);
    if (!spec.ok()) return Refuse("nymvisor.upgrade_windows", spec.status().message());
    if (spec->Length() < needs) {
      return Refuse("nymvisor.upgrade_windows",
                    "'" + text + "' is shorter than an upgrade needs (" + FormatDuration(needs) +
                        ": the stop, 30s to start and the health period); widen it");
    }
  }
  return {};
}

Status CheckUpgradeTimeZone(const Config& config) {
  const std::string& zone = config.nymvisor.upgrade_time_zone;
  if (KnownTimeZone(zone)) return {};
  return Refuse("nymvisor.upgrade_time_zone",
                "unknown time zone '" + zone +
                    "': use an IANA name such as Europe/Berlin (see timedatectl list-timezones), "
                    "UTC or localtime");
}

}  // namespace nymvisor
