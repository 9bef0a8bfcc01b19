#ifndef NYMVISOR_TESTS_SUPPORT_VALUES_H_
#define NYMVISOR_TESTS_SUPPORT_VALUES_H_

#include <filesystem>
#include <string>

#include "agent/base/duration.h"
#include "agent/records/build_info.h"

namespace nymvisor::testing {

/// Test values and file reads that need nothing but the pure layers, for the
/// pure test binary.

/// The whole file, or abort (a test's own fixture is missing).
std::string ReadFileOrDie(const std::filesystem::path& path);

/// A realistic build info for a nym-node of `version`.
BuildInfo NodeBuildInfo(const std::string& version, const std::string& name = "nym-node");

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_VALUES_H_
