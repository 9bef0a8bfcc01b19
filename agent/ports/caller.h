#ifndef NYMVISOR_AGENT_PORTS_CALLER_H_
#define NYMVISOR_AGENT_PORTS_CALLER_H_

#include <cstdint>
#include <string>

namespace nymvisor {

/// Who called a control method, as the bus knows the sender.
struct Caller {
  std::string bus_name;  ///< the sender's unique name (":1.42")
  uint32_t uid = 0;      ///< from the bus's GetConnectionCredentials
  uint32_t pid = 0;
  std::string user;              ///< the account name, or empty when unknown
  bool interactive = false;      ///< the caller allows interactive authorization
  std::string Describe() const;  ///< "uid 1000 (alice)"
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_CALLER_H_
