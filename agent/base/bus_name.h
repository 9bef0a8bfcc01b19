#ifndef NYMVISOR_AGENT_BASE_BUS_NAME_H_
#define NYMVISOR_AGENT_BASE_BUS_NAME_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// The control API's interface, its object path, and the prefix of every
/// agent's bus name.
inline constexpr char kControlInterface[] = "net.nymtech.Nymvisor1";
inline constexpr char kControlObjectPath[] = "/net/nymtech/Nymvisor1";

/// Escapes an instance id into one element of a D-Bus name: ASCII letters
/// and digits stay; every other byte, '_' included, becomes '_' and two
/// lower-case hex digits; a leading digit is escaped too, as an element may
/// not start with one. "mixnode" stays "mixnode", "gw-1.fra" becomes
/// "gw_2d1_2efra", "1st" becomes "_31st". Pure; the mapping is one to one.
std::string EscapeBusNameElement(std::string_view id);

/// The inverse of EscapeBusNameElement; an error for text it cannot produce.
Result<std::string> UnescapeBusNameElement(std::string_view element);

/// "net.nymtech.Nymvisor1.<escaped id>", the bus name the agent of `id`
/// owns; an error when it would exceed D-Bus's 255 bytes.
Result<std::string> ControlBusName(std::string_view id);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_BUS_NAME_H_
