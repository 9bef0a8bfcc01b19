// `nymvisor adopt` through the whole command line: taking over an instance
// of the original nymvisor.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "agent/cli/cli.h"
#include "tests/support/cli_fixture.h"

namespace nymvisor {
namespace {

using testing::WriteFile;

using CliTest = testing::CliFixture;

TEST_F(CliTest, AdoptTakesTheOriginalsInstanceWithItsHistoryAndQueue) {
  // The original's setup, written as it writes it: its config in $HOME, its
  // data in $HOME/.nym/nymvisors/data/<daemon> (no upgrade_data_directory).
  std::filesystem::path original =
      dir_ / "root/.nym/nymvisors/instances/mixnode/config/config.toml";
  std::filesystem::path data = dir_ / "root/.nym/nymvisors/data/nym-node";
  env_["NYMVISOR_CONFIG_PATH"] = original.string();
  ASSERT_EQ(Run({"init", "--id", "mixnode", "--daemon-home", (dir_ / "home").string(),
                 "--upgrade-data-directory", data.string(), node_}),
            0)
      << err_.str();
  env_.erase("NYMVISOR_CONFIG_PATH");
  std::string text = testing::ReadFileOrDie(original);
  text = std::regex_replace(text, std::regex("upgrade_data_directory = '[^']*'"),
                            "upgrade_data_directory = ''");
  // The original's config has no upstream_source, and always a base URL.
  text = std::regex_replace(text, std::regex("\nupstream_source = '[^']*'"), "");
  ASSERT_NE(text.find("upstream_base_upgrade_url = '"), std::string::npos);
  WriteFile(original, text, 0600);
  std::string plan = testing::ReadFileOrDie(data / "upgrade-plan.json");
  ASSERT_EQ(Run({"adopt", "--", "run", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_NE(err_.str().find("as instance 'mixnode': nothing was downloaded or moved"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("To go back: nymvisor adopt --undo --id mixnode"), std::string::npos);
  ASSERT_EQ(Run({"config", "--id", "mixnode", "-o", "json"}), 0) << err_.str();
  Json j = *ParseJson(out_.str());
  EXPECT_EQ(j["nymvisor"]["upgrade_data_directory"], data.string());
  EXPECT_EQ(j["daemon"]["args"], Json::parse(R"(["run","--id","mixnode"])"));
  EXPECT_EQ(j["nymvisor"]["upstream_source"], "upgrade-info") << "an adopted original keeps it";
  EXPECT_EQ(j["upstream"]["source"], "upgrade-info");
  EXPECT_EQ(testing::ReadFileOrDie(data / "upgrade-plan.json"), plan) << "the queue is kept";
  EXPECT_TRUE(std::filesystem::exists(dir_ / "etc/mixnode.adopted"));
  EXPECT_EQ(Run({"adopt", "--", "run"}), 1) << "a second adopt would overwrite ours";
  EXPECT_NE(err_.str().find("is already set up here"), std::string::npos) << err_.str();

  ASSERT_EQ(Run({"adopt", "--undo", "--id", "mixnode"}), 0) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc/mixnode.toml"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "etc/mixnode.toml.undone"));
  EXPECT_TRUE(std::filesystem::exists(original)) << "the original's config is never touched";
  EXPECT_EQ(Run({"adopt", "--undo", "--id", "mixnode"}), 1);
  EXPECT_NE(err_.str().find("was not adopted"), std::string::npos) << err_.str();
}

TEST_F(CliTest, AdoptSaysWhatIsMissing) {
  EXPECT_EQ(Run({"adopt"}), 1);
  EXPECT_NE(err_.str().find("no single instance of the original nymvisor in"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("--daemon-unit"), std::string::npos);
  EXPECT_EQ(Run({"adopt", "--undo"}), 2);
  EXPECT_NE(err_.str().find("adopt --undo needs --id"), std::string::npos);
}

TEST_F(CliTest, AnOriginalsIdOutsideTheRuleIsAdoptedUnderTheSuggestedOne) {
  std::filesystem::path original =
      dir_ / "root/.nym/nymvisors/instances/mixnode@fra1/config/config.toml";
  WriteFile(original,
            "[nymvisor]\nid = 'mixnode@fra1'\n[daemon]\nname = 'nym-node'\nhome = '" +
                (dir_ / "home").string() + "'\n",
            0600);
  EXPECT_EQ(Run({"adopt", "--", "run"}), 1);
  EXPECT_NE(err_.str().find("invalid instance id 'mixnode@fra1'"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nymvisor adopt --id mixnode-fra1"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace nymvisor
