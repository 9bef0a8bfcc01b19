#include "agent/cli/adopt_plan.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(ParseShownExecStart, TakesTheArgvOfSystemctlShow) {
  auto argv = ParseShownExecStart(
      "{ path=/root/nym-binaries/nym-node ; argv[]=/root/nym-binaries/nym-node run --mode mixnode "
      "--accept-operator-terms-and-conditions ; ignore_errors=no ; start_time=[n/a] ; pid=0 }\n");
  ASSERT_TRUE(argv.ok()) << argv.status().message();
  EXPECT_EQ(*argv, (std::vector<std::string>{"/root/nym-binaries/nym-node", "run", "--mode",
                                             "mixnode", "--accept-operator-terms-and-conditions"}));
  EXPECT_FALSE(ParseShownExecStart("").ok());
}

TEST(OriginalHomeOf, OnlyForTheOriginalsConfigPaths) {
  EXPECT_EQ(OriginalHomeOf("/root/.nym/nymvisors/instances/mixnode/config/config.toml"),
            std::filesystem::path("/root"));
  EXPECT_EQ(OriginalHomeOf("/etc/nymvisor/mixnode.toml"), std::nullopt);
  EXPECT_EQ(OriginalDataDirectory("/root", "nym-node"),
            std::filesystem::path("/root/.nym/nymvisors/data/nym-node"));
}

TEST(NymNodeHome, FollowsItsIdArgument) {
  EXPECT_EQ(NymNodeHome("/root", {"run", "--mode", "mixnode"}),
            std::filesystem::path("/root/.nym/nym-nodes/default-nym-node"));
  EXPECT_EQ(NymNodeHome("/var/lib/nym", {"run", "--id", "fra1"}),
            std::filesystem::path("/var/lib/nym/.nym/nym-nodes/fra1"));
  EXPECT_EQ(NymNodeHome("/var/lib/nym", {"run", "--id=fra2"}),
            std::filesystem::path("/var/lib/nym/.nym/nym-nodes/fra2"));
}

TEST(InitArgumentsFor, WriteTheConfigAsItIs) {
  Config c = DefaultConfig("nym-node");
  c.nymvisor.id = "mixnode";
  c.daemon.home = "/var/lib/nym";
  c.daemon.unsafe_skip_backup = true;
  c.daemon.args = {"run", "--id", "mixnode"};
  std::vector<std::string> args = InitArgumentsFor(c, "/bin/nym-node");
  auto has = [&](const std::vector<std::string>& seq) {
    return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
  };
  EXPECT_EQ(args.front(), "init");
  EXPECT_TRUE(has({"--id", "mixnode"}));
  EXPECT_TRUE(has({"--daemon-home", "/var/lib/nym"}));
  EXPECT_TRUE(has({"--unsafe-skip-backup"}));
  EXPECT_FALSE(has({"--restart-daemon-on-failure"})) << "a bare flag only when set";
  EXPECT_TRUE(has({"/bin/nym-node", "--", "run", "--id", "mixnode"}));
}

TEST(AdoptRecord, RoundTrips) {
  AdoptRecord r{"unit", "nym-node.service", "/etc/nymvisor/nym-node.toml",
                "/root/nym-binaries/nym-node", "nym-node.service"};
  auto parsed = ParseAdoptRecord(FormatAdoptRecord(r));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, r);
}

}  // namespace
}  // namespace nymvisor
