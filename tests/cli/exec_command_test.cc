#include "agent/cli/exec_command.h"

#include <gtest/gtest.h>

#include "agent/adapters/real_file_system.h"
#include "agent/records/layout.h"
#include "tests/support/config_builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(NodeCommandLine, RunsTheCurrentBinaryWithTheConfiguredArgs) {
  TempDir dir;
  Config c = testing::NodeConfig(dir.path());
  c.daemon.args = {"run", "--id", "mixnode"};
  WriteFile(dir / "nymvisor/upgrades/v2/bin/nym-node", "#!/bin/sh\n", 0755);
  std::filesystem::create_directory_symlink(dir / "nymvisor/upgrades/v2", dir / "nymvisor/current");
  RealFileSystem files;
  Result<std::vector<std::string>> argv = NodeCommandLine(c, files);
  ASSERT_TRUE(argv.ok()) << argv.status().message();
  EXPECT_EQ(*argv, (std::vector<std::string>{(dir / "nymvisor/current/bin/nym-node").string(),
                                             "run", "--id", "mixnode"}));
}

TEST(NodeCommandLine, ExplainsAMissingOrNonExecutableBinary) {
  TempDir dir;
  Config c = testing::NodeConfig(dir.path());
  RealFileSystem files;
  EXPECT_NE(NodeCommandLine(c, files).status().message().find("the node binary is missing"),
            std::string::npos);
  WriteFile(dir / "nymvisor/current/bin/nym-node", "data", 0644);
  EXPECT_NE(NodeCommandLine(c, files).status().message().find("not an executable file"),
            std::string::npos);
}

}  // namespace
}  // namespace nymvisor
