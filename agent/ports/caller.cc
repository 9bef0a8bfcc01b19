#include "agent/ports/caller.h"

namespace nymvisor {

std::string Caller::Describe() const {
  std::string text = "uid " + std::to_string(uid);
  if (!user.empty()) text += " (" + user + ")";
  return text;
}

}  // namespace nymvisor
