#ifndef NYMVISOR_AGENT_ADAPTERS_POLKIT_AUTHORIZER_H_
#define NYMVISOR_AGENT_ADAPTERS_POLKIT_AUTHORIZER_H_

#include "agent/adapters/bus_connection.h"
#include "agent/ports/authorizer.h"

namespace nymvisor {

/// Authorizer over polkit's CheckAuthorization (org.freedesktop.PolicyKit1) on
/// the shared system bus, with the caller's unique bus name as the subject,
/// no interaction, and the details given (the instance id). uid 0 is allowed
/// without asking, as systemd allows it. polkit answers a non-root agent only
/// when its account is an owner of the action (the per-instance file that
/// `nymvisor init` writes, see docs/SECURITY.md); an unanswered check is an
/// error, never a grant. Main thread only.
class PolkitAuthorizer : public Authorizer {
 public:
  explicit PolkitAuthorizer(BusConnection& bus) : bus_(bus) {}
  Status Authorize(const Caller& caller, const std::string& action,
                   const std::map<std::string, std::string>& details) override;

 private:
  BusConnection& bus_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_POLKIT_AUTHORIZER_H_
