#ifndef NYMVISOR_AGENT_GENERATOR_UNIT_DROPINS_H_
#define NYMVISOR_AGENT_GENERATOR_UNIT_DROPINS_H_

#include <filesystem>
#include <optional>
#include <string>

#include "agent/config/config.h"

namespace nymvisor {

inline constexpr char kNodeTemplatePrefix[] = "nymvisor-daemon@";
inline constexpr char kCredentialName[] = "nymvisor.toml";
inline constexpr char kDropInName[] = "50-nymvisor.conf";

/// Where an instance's settings come from; named in the drop-ins so an
/// operator reading `systemctl cat` knows what to edit.
struct InstanceSources {
  std::string id;
  std::filesystem::path config_path;
  std::filesystem::path env_file;  ///< /etc/nymvisor/<id>.env (may not exist)
  std::string nymvisor_binary = "/usr/bin/nymvisor";
  /// /etc/nymvisor/<id>.github-token when it exists (root-only): handed to
  /// the agent as its credential github-token; empty: none.
  std::filesystem::path github_token = {};
};

/// Set by a blocked unit's drop-in: why the generator blocked it.
inline constexpr std::string_view kBlockedReasonEnv = "NYMVISOR_BLOCKED_REASON";

/// The drop-in for a unit of an instance whose config or env file cannot be
/// read: it fails closed. Its ExecStart= is `nymvisor refuse-start <id>`,
/// which says why in the journal and `systemctl status` and exits 1, so the
/// node never runs with defaults (which would mean without User=, as root).
std::string RenderBlockedDropIn(const std::string& id, const std::string& reason,
                                const std::string& nymvisor_binary);

/// The daemon.unit of a config that cannot be parsed as a whole, read
/// leniently from its [daemon] table, so that unit can be blocked too.
std::optional<std::string> FindUnitKey(const std::string& toml_text);

/// True when the node runs in our template (nymvisor-daemon@<id>.service),
/// which already has the right ExecStart=.
bool UsesNodeTemplate(const Config& config);

/// The drop-in for the node's unit: the DAEMON_* restart settings as Restart=,
/// RestartSec=, StartLimitBurst=, StartLimitIntervalSec=, TimeoutStopSec=,
/// RestartPreventExitStatus= for exec's refusal (kNodeStartRefusedExit), the
/// node's User=, the config passed as a credential (the node user cannot read
/// the root-only config) and, for an operator's own unit, an ExecStart= that
/// runs the node through `nymvisor exec`.
std::string RenderNodeDropIn(const Config& config, const InstanceSources& sources);

/// The drop-in that stops our template instance from running a second copy of
/// the node when daemon.unit names the operator's own unit.
std::string RenderUnusedTemplateDropIn(const Config& config, const InstanceSources& sources);

/// The drop-in for the agent's unit (nymvisor@<id>.service): the paths it may
/// write under ProtectSystem=strict (home, data and backup directories). No
/// Wants= on the node: the agent starts it (see Agent::Start).
std::string RenderAgentDropIn(const Config& config, const InstanceSources& sources);

/// A duration in systemd's time-span syntax ("10s", "1500ms", "0").
std::string SystemdTimeSpan(Duration d);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_GENERATOR_UNIT_DROPINS_H_
