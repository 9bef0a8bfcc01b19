#include "tests/support/values.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nymvisor::testing {

std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

BuildInfo NodeBuildInfo(const std::string& version, const std::string& name) {
  BuildInfo info;
  info.binary_name = name;
  info.build_timestamp = "2025-02-13T11:49:34.670488195Z";
  info.build_version = version;
  info.commit_sha = "a3e19b4563843055b305ea9a397eb1ad84b5c378-" + version;
  info.commit_timestamp = "2025-02-10T18:14:47.000000000+01:00";
  info.commit_branch = "HEAD";
  info.rustc_version = "1.84.1";
  info.rustc_channel = "stable";
  info.cargo_profile = "release";
  info.cargo_triple = "x86_64-unknown-linux-gnu";
  return info;
}

}  // namespace nymvisor::testing
