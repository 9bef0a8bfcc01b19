#ifndef NYMVISOR_AGENT_RECORDS_UPGRADE_NAME_H_
#define NYMVISOR_AGENT_RECORDS_UPGRADE_NAME_H_

#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

inline constexpr size_t kMaxUpgradeNameLength = 128;

/// Every upgrade name becomes a directory under upgrades/ (and backups/), so it
/// must be one safe path component: non-empty, at most 128 characters, no '/',
/// no "..", no leading '.', no control characters.
Status ValidateUpgradeName(std::string_view name);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_UPGRADE_NAME_H_
