#ifndef NYMVISOR_AGENT_BASE_STRINGS_H_
#define NYMVISOR_AGENT_BASE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace nymvisor {

/// The items with `separator` between them ("" for none).
std::string Join(const std::vector<std::string>& items, std::string_view separator);

/// `text` as it may go into a message from an untrusted source: control
/// bytes as \xNN, and at most `max` bytes of it, then "... (N bytes)".
std::string Printable(std::string_view text, size_t max = 80);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_STRINGS_H_
