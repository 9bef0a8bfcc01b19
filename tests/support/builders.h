#ifndef NYMVISOR_TESTS_SUPPORT_BUILDERS_H_
#define NYMVISOR_TESTS_SUPPORT_BUILDERS_H_

#include <string>

#include "agent/base/timestamp.h"
#include "agent/records/upgrade_info.h"
#include "agent/records/upgrade_plan.h"

namespace nymvisor::testing {

/// Shared builders of the records many tests start from, so that a field
/// added to a record is set in one place. Pure: linked into the pure test
/// binary too.

/// An upgrade named `name` of `version`, due at `at`, with no binaries (the
/// tests that need one add its platform).
UpgradeInfo Upgrade(const std::string& name, const std::string& version,
                    Timestamp at = Timestamp());

/// A plan whose current upgrade is the genesis of a nym-node `version`
/// (testing::NodeBuildInfo), with nothing queued.
UpgradePlan GenesisPlan(const std::string& version);

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_BUILDERS_H_
