// init's command line before CLI11 reads it: the flags whose value may be
// left out.
#include "agent/cli/init_cli.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(GiveInitFlagsTheirValue, OnlyInitsOptionalValueFlagsBeforeTheDaemonsArguments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "--restart-daemon-on-failure", "/bin/n"}),
            (V{"init", "--restart-daemon-on-failure=true", "/bin/n"}));
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"-c", "f.env", "init", "--restart-daemon-on-failure"}),
            (V{"-c", "f.env", "init", "--restart-daemon-on-failure=true"}));
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "--restart-daemon-on-failure", "FALSE", "/bin/n"}),
            (V{"init", "--restart-daemon-on-failure", "FALSE", "/bin/n"}));
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "/bin/n", "--", "--restart-daemon-on-failure"}),
            (V{"init", "/bin/n", "--", "--restart-daemon-on-failure"}));
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"run", "run", "--restart-daemon-on-failure"}),
            (V{"run", "run", "--restart-daemon-on-failure"}));
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "--restart-daemon-on-failure", "nym-node", "--"}),
            (V{"init", "--restart-daemon-on-failure=true", "nym-node", "--"}))
      << "a binary found through PATH";
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "--restart-daemon-on-failure", "flase", "/bin/n"}),
            (V{"init", "--restart-daemon-on-failure", "flase", "/bin/n"}))
      << "a mistyped value, which init then names";
  EXPECT_EQ(GiveInitFlagsTheirValue(V{"init", "--disable-nymvisor-logs", "/bin/n"}),
            (V{"init", "--disable-nymvisor-logs", "/bin/n"}))
      << "bare flags stay bare";
}

}  // namespace
}  // namespace nymvisor
