#ifndef NYMVISOR_AGENT_BASE_STRINGS_H_
#define NYMVISOR_AGENT_BASE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace nymvisor {

/// The items with `separator` between them ("" for none).
std::string Join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_STRINGS_H_
