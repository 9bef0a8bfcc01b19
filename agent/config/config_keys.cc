#include "agent/config/config_keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agent/base/strings.h"
#include "agent/config/url.h"

namespace nymvisor {
namespace {

// clang-format off
#define NV_KEY(section, member, env, kind, optional, ...)                  \
  ConfigKey{#section, #member, env, ValueKind::kind, optional,             \
            [](Config& c) -> FieldRef { return FieldRef(&c.section.member); }, \
            MakeInitFlag(__VA_ARGS__)}
// clang-format on

InitFlag MakeInitFlag(std::string_view name = "", std::string_view help = "",
                      std::string_view default_text = "", FlagForm form = FlagForm::kValue) {
  return InitFlag{name, help, default_text, form};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string ConfigKey::FullName() const { return std::string(section) + "." + std::string(name); }

const std::vector<ConfigKey>& AllConfigKeys() {
  // clang-format off
  static const std::vector<ConfigKey> keys = {
      NV_KEY(nymvisor, id, "NYMVISOR_ID", kText, false,
             "--id", "Identifier of this nymvisor instance", "<daemon name>-default"),
      NV_KEY(nymvisor, upstream_base_upgrade_url, "NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", kUrl,
             false, "--upstream-base-upgrade-url", "Base URL of upstream upgrade information"),
      NV_KEY(nymvisor, upstream_polling_rate, "NYMVISOR_UPSTREAM_POLLING_RATE", kDuration, false,
             "--upstream-polling-rate", "How often to poll upstream, e.g. 1h or 90s"),
      NV_KEY(nymvisor, disable_logs, "NYMVISOR_DISABLE_LOGS", kBool, false,
             "--disable-nymvisor-logs", "Disable nymvisor's own logs", "", FlagForm::kBare),
      NV_KEY(nymvisor, upgrade_data_directory, "NYMVISOR_UPGRADE_DATA_DIRECTORY", kPath, true,
             "--upgrade-data-directory", "Directory for binaries and the plan",
             "<home>/nymvisor"),
      NV_KEY(nymvisor, metrics_textfile, "NYMVISOR_METRICS_TEXTFILE", kPath, true,
             "--metrics-textfile", "Prometheus textfile (node_exporter) for the agent's metrics",
             "none"),
      NV_KEY(nymvisor, trusted_keys, "NYMVISOR_TRUSTED_KEYS", kList, false,
             "--trusted-keys", "minisign public keys trusted for upstream signatures "
             "(comma-separated)", "none"),
      NV_KEY(nymvisor, require_signature, "NYMVISOR_REQUIRE_SIGNATURE", kBool, false,
             "--require-signature", "Refuse upgrades not signed by a trusted key", "",
             FlagForm::kBare),
      NV_KEY(nymvisor, upstream_source, "NYMVISOR_UPSTREAM_SOURCE", kText, false,
             "--upstream-source", "Where upgrades come from: upgrade-info or github"),
      NV_KEY(nymvisor, github_repository, "NYMVISOR_GITHUB_REPOSITORY", kText, false,
             "--github-repository", "GitHub repository whose releases are followed (owner/name)"),
      NV_KEY(nymvisor, github_tag_prefix, "NYMVISOR_GITHUB_TAG_PREFIX", kText, false,
             "--github-tag-prefix", "Tag prefix of the release train followed"),
      NV_KEY(nymvisor, github_api_url, "NYMVISOR_GITHUB_API_URL", kUrl, false,
             "--github-api-url", "GitHub REST API base URL (GitHub Enterprise, tests)"),
      NV_KEY(nymvisor, github_upgrade_delay, "NYMVISOR_GITHUB_UPGRADE_DELAY", kDuration, false,
             "--github-upgrade-delay", "Delay from a release's publication to its upgrade"),
      NV_KEY(daemon, name, "DAEMON_NAME", kText, false),
      NV_KEY(daemon, home, "DAEMON_HOME", kPath, false,
             "--daemon-home", "The daemon's home directory", "$DAEMON_HOME"),
      NV_KEY(daemon, absolute_upstream_upgrade_url, "DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", kUrl,
             true, "--daemon-absolute-upstream-upgrade-url",
             "Full upgrade-info URL, replacing the base URL"),
      NV_KEY(daemon, allow_binaries_download, "DAEMON_ALLOW_BINARIES_DOWNLOAD", kBool, false,
             "--allow-download-upgrade-binaries", "Download new binaries"),
      NV_KEY(daemon, enforce_download_checksum, "DAEMON_ENFORCE_DOWNLOAD_CHECKSUM", kBool, false,
             "--enforce-download-checksum", "Require a checksum for every download"),
      NV_KEY(daemon, restart_after_upgrade, "DAEMON_RESTART_AFTER_UPGRADE", kBool, false,
             "--restart-daemon-after-upgrade", "Start the daemon after an upgrade"),
      NV_KEY(daemon, restart_on_failure, "DAEMON_RESTART_ON_FAILURE", kBool, false,
             "--restart-daemon-on-failure", "Restart the daemon when it fails (bare: true)", "",
             FlagForm::kOptionalValue),
      NV_KEY(daemon, failure_restart_delay, "DAEMON_FAILURE_RESTART_DELAY", kDuration, false,
             "--on-failure-daemon-restart-delay", "Delay before restarting a failed daemon"),
      NV_KEY(daemon, max_startup_failures, "DAEMON_MAX_STARTUP_FAILURES", kCount, false,
             "--max-daemon-startup-failures", "Failed starts allowed in the startup period"),
      NV_KEY(daemon, startup_period_duration, "DAEMON_STARTUP_PERIOD_DURATION", kDuration, false,
             "--startup-period-duration", "Length of the startup period"),
      NV_KEY(daemon, shutdown_grace_period, "DAEMON_SHUTDOWN_GRACE_PERIOD", kDuration, false,
             "--daemon-shutdown-grace-period", "Time between SIGINT and SIGKILL"),
      NV_KEY(daemon, backup_data_directory, "DAEMON_BACKUP_DATA_DIRECTORY", kPath, true,
             "--daemon-backup-data-directory", "Backup directory", "<home>/nymvisor/backups"),
      NV_KEY(daemon, unsafe_skip_backup, "DAEMON_UNSAFE_SKIP_BACKUP", kBool, false,
             "--unsafe-skip-backup", "Upgrade without backing up the daemon's data", "",
             FlagForm::kBare),
      NV_KEY(daemon, unit, "", kText, true,
             "--daemon-unit", "systemd unit running the daemon", "nymvisor-daemon@<id>.service"),
      NV_KEY(daemon, args, "", kList, false),
      NV_KEY(daemon, user, "", kText, true,
             "--daemon-user", "Account the daemon runs as", "the owner of the daemon home"),
      NV_KEY(daemon, backups_to_keep, "", kCount, false,
             "--backups-to-keep", "Pre-upgrade backups to keep"),
      NV_KEY(daemon, max_download_size_mib, "DAEMON_MAX_DOWNLOAD_SIZE_MIB", kCount, false,
             "--max-download-size-mib", "Largest binary to download, in MiB"),
      NV_KEY(daemon, health_check_period, "", kDuration, true,
             "--health-check-period", "How long a new version must stay healthy",
             "the startup period"),
  };
  // clang-format on
  return keys;
}

std::string_view ValueTypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
      return "TEXT";
    case ValueKind::kUrl:
      return "URL";
    case ValueKind::kPath:
      return "PATH";
    case ValueKind::kBool:
      return "true|false";
    case ValueKind::kDuration:
      return "DURATION";
    case ValueKind::kCount:
      return "COUNT";
    case ValueKind::kList:
      return "ARGS";
  }
  return "TEXT";
}

const ConfigKey* FindKeyByInitFlag(std::string_view flag) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.init.name.empty() && key.init.name == flag) return &key;
  }
  return nullptr;
}

const ConfigKey* FindConfigKey(std::string_view section, std::string_view name) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

const ConfigKey* KeyOfError(const Status& error) {
  const std::string& message = error.message();
  std::string key = message.substr(0, message.find(": "));
  size_t dot = key.find('.');
  if (dot == std::string::npos) return nullptr;
  return FindConfigKey(std::string_view(key).substr(0, dot), std::string_view(key).substr(dot + 1));
}

Result<uint64_t> ParseCount(std::string_view text) {
  uint64_t value = 0;
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return Status::Error("'" + std::string(text) +
                         "' is not an unsigned integer (0 to 18446744073709551615)");
  }
  return value;
}

Result<bool> ParseBoolText(std::string_view text) {
  std::string lower = Lower(text);
  if (lower == "true" || lower == "t" || lower == "1") return true;
  if (lower == "false" || lower == "f" || lower == "0") return false;
  return Status::Error("'" + std::string(text) + "' is not a boolean (true/t/1 or false/f/0)");
}

Status SetFromText(const ConfigKey& key, std::string_view text, Config* config) {
  FieldRef ref = key.field(*config);
  switch (key.kind) {
    case ValueKind::kBool: {
      NV_ASSIGN_OR_RETURN(*std::get<bool*>(ref), ParseBoolText(text));
      return {};
    }
    case ValueKind::kDuration: {
      if (key.optional && text.empty()) {
        *std::get<Duration*>(ref) = Duration::zero();
        return {};
      }
      NV_ASSIGN_OR_RETURN(*std::get<Duration*>(ref), ParseDuration(text));
      return {};
    }
    case ValueKind::kCount: {
      NV_ASSIGN_OR_RETURN(*std::get<uint64_t*>(ref), ParseCount(text));
      return {};
    }
    case ValueKind::kUrl: {
      std::string& url = *std::get<std::string*>(ref);
      if (text.empty()) {
        url.clear();
        return {};
      }
      NV_ASSIGN_OR_RETURN(url, NormalizeHttpUrl(text));
      return {};
    }
    case ValueKind::kList: {
      // From an environment variable or a flag: items separated by commas
      // or white space (no list key with one takes items containing them).
      std::vector<std::string>& items = *std::get<std::vector<std::string>*>(ref);
      items.clear();
      std::string item;
      for (char c : std::string(text) + ",") {
        if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
          if (!item.empty()) items.push_back(item);
          item.clear();
        } else {
          item += c;
        }
      }
      return {};
    }
    case ValueKind::kText:
    case ValueKind::kPath:
      *std::get<std::string*>(ref) = std::string(text);
      return {};
  }
  return {};
}

std::string ValueAsText(const ConfigKey& key, const Config& config) {
  FieldRef ref = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::kBool:
      return *std::get<bool*>(ref) ? "true" : "false";
    case ValueKind::kDuration: {
      Duration d = *std::get<Duration*>(ref);
      return key.optional && d == Duration::zero() ? "" : FormatDuration(d);
    }
    case ValueKind::kCount:
      return std::to_string(*std::get<uint64_t*>(ref));
    case ValueKind::kList:
      return Join(*std::get<std::vector<std::string>*>(ref), " ");
    case ValueKind::kUrl: {
      // As the original shows (and writes) a URL; a default is shown so too.
      const std::string& url = *std::get<std::string*>(ref);
      Result<std::string> normal = url.empty() ? Result<std::string>(url) : NormalizeHttpUrl(url);
      return normal.ok() ? *normal : url;
    }
    case ValueKind::kText:
    case ValueKind::kPath:
      return *std::get<std::string*>(ref);
  }
  return {};
}

}  // namespace nymvisor
