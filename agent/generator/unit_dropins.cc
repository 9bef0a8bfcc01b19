#include "agent/generator/unit_dropins.h"

#include <algorithm>
#include <cstdint>

#include "agent/decide/node_start_guard.h"
#include "agent/records/layout.h"

namespace nymvisor {
namespace {

std::string Header(const InstanceSources& sources) {
  return "# Written by nymvisor-generator from " + sources.config_path.string() + " and " +
         sources.env_file.string() +
         ".\n# Do not edit: change those files and run `systemctl daemon-reload`.\n";
}

bool IsUnder(const std::filesystem::path& path, const std::filesystem::path& dir) {
  auto rel = path.lexically_normal().lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

/// Quotes a path for a unit file setting if it contains spaces.
std::string UnitPath(const std::filesystem::path& path) {
  std::string s = path.string();
  if (s.find(' ') == std::string::npos) return s;
  return "\"" + s + "\"";
}

}  // namespace

std::string SystemdTimeSpan(Duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms <= 0) return "0";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

bool UsesNodeTemplate(const Config& config) {
  return EffectiveUnit(config) == kNodeTemplatePrefix + config.nymvisor.id + ".service";
}

std::string RenderNodeDropIn(const Config& config, const InstanceSources& sources) {
  const DaemonSection& d = config.daemon;
  std::string out = Header(sources);
  out += "\n[Unit]\n";
  out += "StartLimitIntervalSec=" + SystemdTimeSpan(d.startup_period_duration) + "\n";
  // systemd's StartLimitBurst= is an unsigned int (a larger value would be
  // ignored, leaving its default of 5): saturated; and at least 1.
  uint64_t burst = std::clamp<uint64_t>(d.max_startup_failures, 1, UINT32_MAX);
  out += "StartLimitBurst=" + std::to_string(burst) + "\n";
  out += "\n[Service]\n";
  if (!d.user.empty()) out += "User=" + d.user + "\n";
  out += std::string("Restart=") + (d.restart_on_failure ? "on-failure" : "no") + "\n";
  out += "RestartSec=" + SystemdTimeSpan(d.failure_restart_delay) + "\n";
  // `nymvisor exec` refusing a start (the records hold the node down) is not
  // a crash: restarting would only repeat the refusal.
  out += "RestartPreventExitStatus=" + std::to_string(kNodeStartRefusedExit) + "\n";
  out += "TimeoutStopSec=" + SystemdTimeSpan(d.shutdown_grace_period) + "\n";
  out +=
      "LoadCredential=" + std::string(kCredentialName) + ":" + UnitPath(sources.config_path) + "\n";
  out += "EnvironmentFile=-" + UnitPath(sources.env_file) + "\n";
  out += "SyslogIdentifier=" + d.name + "\n";
  if (!UsesNodeTemplate(config)) {
    out += "ExecStart=\n";
    out += "ExecStart=" + sources.nymvisor_binary + " exec " + config.nymvisor.id + "\n";
  }
  return out;
}

std::string RenderUnusedTemplateDropIn(const Config& config, const InstanceSources& sources) {
  return Header(sources) + "# daemon.unit is " + EffectiveUnit(config) +
         ", so this instance of the template must not start a second node.\n"
         "\n[Unit]\nConditionPathExists=/nonexistent/nymvisor-uses-" +
         EffectiveUnit(config) + "\n";
}

std::string RenderAgentDropIn(const Config& config, const InstanceSources& sources) {
  Layout layout = MakeLayout(config);
  std::string out = Header(sources);
  out += "\n[Service]\n";
  if (!config.daemon.user.empty() && config.daemon.user != "root") {
    // Least privilege: the agent runs as the node's account, which owns the
    // node's data; polkit lets it control its node's unit only.
    out += "User=" + config.daemon.user + "\n";
  }
  // The agent reads the live config (so a reload sees edits): root-owned,
  // readable by the node's group.
  out += "Environment=\"NYMVISOR_CONFIG_PATH=" + sources.config_path.string() + "\"\n";
  if (!sources.github_token.empty()) {
    // A GitHub token for the releases API: a credential, never in the
    // environment or the config (so `nymvisor config` cannot show it).
    out += "LoadCredential=github-token:" + UnitPath(sources.github_token) + "\n";
  }
  std::vector<std::filesystem::path> writable = {layout.home, layout.data_dir, layout.backup_dir};
  if (!config.nymvisor.metrics_textfile.empty()) {
    writable.push_back(std::filesystem::path(config.nymvisor.metrics_textfile).parent_path());
  }
  bool under_home = false;
  for (const auto& path : writable) {
    out += "ReadWritePaths=-" + UnitPath(path) + "\n";
    for (const char* protected_dir : {"/home", "/root", "/run/user"}) {
      under_home = under_home || IsUnder(path, protected_dir);
    }
  }
  if (under_home) out += "ProtectHome=read-only\n";
  return out;
}

namespace {

/// Inside Environment="...": backslash and quote escaped, % doubled (a
/// systemd specifier otherwise).
std::string QuoteForEnvironment(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '%') out += '%';
    out += c;
  }
  return out;
}

}  // namespace

std::string RenderBlockedDropIn(const std::string& id, const std::string& reason,
                                const std::string& nymvisor_binary) {
  std::string why;
  for (char c : reason) why += (c == '\n' || c == '\r') ? ' ' : c;
  return "# Written by nymvisor-generator: the config of nymvisor instance " + id +
         " cannot be read,\n# so its units must not start (never with defaults, which would "
         "run the node as root).\n# " +
         why + "\n# Fix /etc/nymvisor/" + id +
         ".toml or .env, then run `systemctl daemon-reload`.\n"
         "\n[Service]\nExecStartPre=\nExecStart=\nExecStart=" +
         nymvisor_binary + " refuse-start " + id +
         "\n# What refuse-start prints: the reason as it was at daemon-reload.\n"
         "Environment=\"" +
         std::string(kBlockedReasonEnv) + "=" + QuoteForEnvironment(why) + "\"" +
         "\n# It stays failed until it is fixed, rather than restarting in a loop.\nRestart=no\n";
}

std::optional<std::string> FindUnitKey(const std::string& toml_text) {
  std::string section;
  size_t start = 0;
  while (start < toml_text.size()) {
    size_t end = std::min(toml_text.find('\n', start), toml_text.size());
    std::string line = toml_text.substr(start, end - start);
    start = end + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    if (line.front() == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    if (section != "daemon" || !line.starts_with("unit")) continue;
    size_t quote = line.find_first_of("'\"");
    if (quote == std::string::npos || line.substr(4, quote - 4).find('=') == std::string::npos) {
      continue;
    }
    size_t close = line.find(line[quote], quote + 1);
    if (close == std::string::npos) continue;
    std::string unit = line.substr(quote + 1, close - quote - 1);
    bool plain = unit.ends_with(".service") && unit.find_first_of("/ \\\t") == std::string::npos;
    if (plain) return unit;
  }
  return std::nullopt;
}

}  // namespace nymvisor
