#ifndef NYMVISOR_TESTS_SUPPORT_CONFIG_BUILDERS_H_
#define NYMVISOR_TESTS_SUPPORT_CONFIG_BUILDERS_H_

#include <filesystem>
#include <string>

#include "agent/config/config.h"
#include "agent/records/layout.h"

namespace nymvisor::testing {

/// Shared builders of configs, so that tests start from one valid config
/// rather than each copying its own. Needs the config layer: not in the pure
/// test binary (tests/support/builders.h is).

/// The defaults of a nym-node instance whose DAEMON_HOME is `home`, named
/// `id` when given (else the default id). Valid as it is.
Config NodeConfig(const std::filesystem::path& home, const std::string& id = "");

/// The layout of NodeConfig(home): where its records and upgrades live.
Layout NodeLayout(const std::filesystem::path& home);

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_CONFIG_BUILDERS_H_
