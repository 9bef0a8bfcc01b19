#ifndef NYMVISOR_AGENT_GENERATOR_ACCESS_POLICY_H_
#define NYMVISOR_AGENT_GENERATOR_ACCESS_POLICY_H_

#include <set>
#include <string>

namespace nymvisor {

/// The files that let an agent run as its node's account with least
/// privilege, rendered here (pure) and written by `nymvisor init` and
/// `nymvisor refresh-access` as root (cli/refresh_access_command.h). An agent that
/// runs as root needs none of them: root may own the bus names
/// (dbus/net.nymtech.Nymvisor1.conf) and control every unit.

/// /etc/dbus-1/system.d/net.nymtech.Nymvisor1.<escaped id>.conf: everyone
/// may send to the instance's bus name (the agent checks every mutating
/// method itself), and `owner`, unless empty (a root agent, which the
/// package's policy covers), may own exactly that name.
std::string RenderBusPolicy(const std::string& bus_name, const std::string& owner);

/// /etc/polkit-1/rules.d/60-nymvisor-<escaped id>.rules: `user` may start,
/// stop, restart, reset-failed and ref exactly `unit`, and nothing else (no
/// manage-unit-files, which would imply manage-units for every unit).
std::string RenderUnitRule(const std::string& instance_id, const std::string& user,
                           const std::string& unit);

/// The control API's polkit actions (the template dbus/net.nymtech.nymvisor1.policy)
/// with `owners` added as org.freedesktop.policykit.owner to every action:
/// polkit lets only root and an action's owners check other callers'
/// authorization, so an agent that runs as a node's account must be one.
std::string RenderPolkitActions(const std::string& template_text,
                                const std::set<std::string>& owners);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_GENERATOR_ACCESS_POLICY_H_
