#ifndef NYMVISOR_AGENT_PORTS_AUTHORIZER_H_
#define NYMVISOR_AGENT_PORTS_AUTHORIZER_H_

#include <map>
#include <string>

#include "agent/base/status.h"
#include "agent/ports/caller.h"

namespace nymvisor {

/// Decides whether a caller may take a polkit action. OK, Denied with a
/// message naming the action, or Error when the decision cannot be made
/// (polkitd unreachable: treated as denied by the caller). Main thread only.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Status Authorize(const Caller& caller, const std::string& action,
                           const std::map<std::string, std::string>& details) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_AUTHORIZER_H_
