#include "agent/config_keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agent/url.h"

namespace nymvisor {
namespace {

#define NV_KEY(section, member, env, kind, optional)                       \
  ConfigKey {                                                              \
#section, #member, env, ValueKind::kind, optional,                     \
        [](Config & c) -> FieldRef { return FieldRef(&c.section.member); } \
  }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<uint32_t> ParseCount(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::Error("'" + std::string(text) + "' is not an unsigned 32-bit integer");
  }
  return value;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

}  // namespace

std::string ConfigKey::FullName() const { return std::string(section) + "." + std::string(name); }

const std::vector<ConfigKey>& AllConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      NV_KEY(nymvisor, id, "NYMVISOR_ID", kText, false),
      NV_KEY(nymvisor, upstream_base_upgrade_url, "NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", kUrl,
             false),
      NV_KEY(nymvisor, upstream_polling_rate, "NYMVISOR_UPSTREAM_POLLING_RATE", kDuration, false),
      NV_KEY(nymvisor, disable_logs, "NYMVISOR_DISABLE_LOGS", kBool, false),
      NV_KEY(nymvisor, upgrade_data_directory, "NYMVISOR_UPGRADE_DATA_DIRECTORY", kPath, true),
      NV_KEY(daemon, name, "DAEMON_NAME", kText, false),
      NV_KEY(daemon, home, "DAEMON_HOME", kPath, false),
      NV_KEY(daemon, absolute_upstream_upgrade_url, "DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", kUrl,
             true),
      NV_KEY(daemon, allow_binaries_download, "DAEMON_ALLOW_BINARIES_DOWNLOAD", kBool, false),
      NV_KEY(daemon, enforce_download_checksum, "DAEMON_ENFORCE_DOWNLOAD_CHECKSUM", kBool, false),
      NV_KEY(daemon, restart_after_upgrade, "DAEMON_RESTART_AFTER_UPGRADE", kBool, false),
      NV_KEY(daemon, restart_on_failure, "DAEMON_RESTART_ON_FAILURE", kBool, false),
      NV_KEY(daemon, failure_restart_delay, "DAEMON_FAILURE_RESTART_DELAY", kDuration, false),
      NV_KEY(daemon, max_startup_failures, "DAEMON_MAX_STARTUP_FAILURES", kCount, false),
      NV_KEY(daemon, startup_period_duration, "DAEMON_STARTUP_PERIOD_DURATION", kDuration, false),
      NV_KEY(daemon, shutdown_grace_period, "DAEMON_SHUTDOWN_GRACE_PERIOD", kDuration, false),
      NV_KEY(daemon, backup_data_directory, "DAEMON_BACKUP_DATA_DIRECTORY", kPath, true),
      NV_KEY(daemon, unsafe_skip_backup, "DAEMON_UNSAFE_SKIP_BACKUP", kBool, false),
      NV_KEY(daemon, unit, "", kText, true),
      NV_KEY(daemon, args, "", kList, false),
      NV_KEY(daemon, user, "", kText, true),
      NV_KEY(daemon, backups_to_keep, "", kCount, false),
      NV_KEY(daemon, health_check_period, "", kDuration, true),
  };
  return keys;
}

const ConfigKey* FindConfigKey(std::string_view section, std::string_view name) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
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
      NV_ASSIGN_OR_RETURN(*std::get<uint32_t*>(ref), ParseCount(text));
      return {};
    }
    case ValueKind::kUrl:
      if (!text.empty()) NV_RETURN_IF_ERROR(ValidateHttpUrl(text));
      *std::get<std::string*>(ref) = std::string(text);
      return {};
    case ValueKind::kList:
      return Status::Error("a list cannot be set from text");
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
      return std::to_string(*std::get<uint32_t*>(ref));
    case ValueKind::kList:
      return Join(*std::get<std::vector<std::string>*>(ref));
    case ValueKind::kText:
    case ValueKind::kUrl:
    case ValueKind::kPath:
      return *std::get<std::string*>(ref);
  }
  return {};
}

}  // namespace nymvisor
