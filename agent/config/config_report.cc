#include "agent/config/config_report.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "agent/base/url_redaction.h"
#include "agent/config/config_keys.h"
#include "agent/config/upstream_source.h"

namespace nymvisor {
namespace {

/// The original's 17 labels, exactly and in its order (the CUSTOM and UNSAFE
/// ones without a colon), then ours.
const std::pair<const char*, const char*> kLabels[] = {
    {"nymvisor.id", "id:"},
    {"daemon.name", "daemon name:"},
    {"daemon.home", "daemon home:"},
    {"nymvisor.upstream_base_upgrade_url", "upstream base upgrade url:"},
    {"nymvisor.disable_logs", "disable nymvisor logs:"},
    {"nymvisor.upgrade_data_directory", "CUSTOM upgrade data directory"},
    {"daemon.absolute_upstream_upgrade_url", "upstream absolute upgrade url:"},
    {"daemon.allow_binaries_download", "allow binaries download:"},
    {"daemon.enforce_download_checksum", "enforce download checksum:"},
    {"daemon.restart_after_upgrade", "restart after upgrade:"},
    {"daemon.restart_on_failure", "restart on failure:"},
    {"daemon.failure_restart_delay", "on failure restart delay:"},
    {"daemon.max_startup_failures", "max startup failures:"},
    {"daemon.startup_period_duration", "startup period duration:"},
    {"daemon.shutdown_grace_period", "shutdown grace period:"},
    {"daemon.backup_data_directory", "CUSTOM backup data directory"},
    {"daemon.unsafe_skip_backup", "UNSAFE skip backups"},
    // Ours from here (the original's text form has no polling rate).
    {"nymvisor.upstream_polling_rate", "upstream polling rate:"},
    {"daemon.unit", "daemon unit:"},
    {"daemon.args", "daemon args:"},
    {"daemon.user", "daemon user:"},
    {"daemon.backups_to_keep", "backups to keep:"},
    {"daemon.max_download_size_mib", "max download size (MiB):"},
    {"daemon.health_check_period", "health check period:"},
    {"nymvisor.metrics_textfile", "metrics textfile:"},
    {"nymvisor.upstream_source", "upstream source:"},
    {"nymvisor.github_repository", "github repository:"},
    {"nymvisor.github_tag_prefix", "github tag prefix:"},
    {"nymvisor.github_api_url", "github api url:"},
    {"nymvisor.github_upgrade_delay", "github upgrade delay:"},
};

const ConfigKey& KeyByFullName(std::string_view full) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.FullName() == full) return key;
  }
  return AllConfigKeys().front();  // unreachable: every label names a key
}

std::string DebugQuote(const std::string& s) { return DumpJsonCompact(Json(s)); }

Json KeyToJson(const ConfigKey& key, const Config& config) {
  FieldRef ref = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::kBool:
      return *std::get<bool*>(ref);
    case ValueKind::kCount:
      return *std::get<uint64_t*>(ref);
    case ValueKind::kList:
      return *std::get<std::vector<std::string>*>(ref);
    default: {
      std::string text = ValueAsText(key, config);
      if (key.optional && text.empty()) return nullptr;
      return key.kind == ValueKind::kUrl ? RedactUrl(text) : text;
    }
  }
}

}  // namespace

std::string FormatConfigText(const Config& config) {
  std::string out;
  for (const auto& [full, label] : kLabels) {
    const ConfigKey& key = KeyByFullName(full);
    std::string value = ValueAsText(key, config);
    if (key.kind == ValueKind::kUrl) value = RedactUrl(value);
    if (key.optional && key.kind != ValueKind::kText) value = DebugQuote(value);
    if (full == std::string_view("daemon.unit")) value = EffectiveUnit(config);
    std::string line = label;
    line.resize(std::max<size_t>(line.size() + 1, 35), ' ');
    out += line + value + "\n";
  }
  std::string line = "resolved upstream:";
  line.resize(35, ' ');
  return out + line + DescribeUpstream(config) + "\n";
}

Json ConfigToJson(const Config& config) {
  Json out = Json::object();
  for (const ConfigKey& key : AllConfigKeys()) {
    out[std::string(key.section)][std::string(key.name)] = KeyToJson(key, config);
  }
  out["upstream"] = UpstreamToJson(config);
  return out;
}

}  // namespace nymvisor
