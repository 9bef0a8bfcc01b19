#include "agent/config/upstream_source.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/real_file_system.h"
#include "agent/config/instance_config.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

constexpr char kBase[] = "[daemon]\nname = 'nym-node'\nhome = '/var/lib/nym'\n";

UpstreamMentions Source(std::string phrase) { return {std::move(phrase), ""}; }
UpstreamMentions Url(std::string phrase) { return {"", std::move(phrase)}; }

TEST(ChooseUpstreamSource, GithubWhenNothingNamesTheUpstream) {
  UpstreamChoice choice = ChooseUpstreamSource({{}, {}, {}}, "github");
  EXPECT_EQ(choice.source, "github");
  EXPECT_EQ(choice.why, "the default for a new instance");
  EXPECT_EQ(ChooseUpstreamSource({}, "github").source, "github");
}

TEST(ChooseUpstreamSource, AnUpgradeInfoUrlInAnyLayerKeepsUpgradeInfo) {
  for (size_t layer = 0; layer < 3; ++layer) {
    std::vector<UpstreamMentions> layers(3);
    layers[layer] = Url("--upstream-base-upgrade-url was given");
    UpstreamChoice choice = ChooseUpstreamSource(layers, "github");
    EXPECT_EQ(choice.source, "upgrade-info") << layer;
    EXPECT_EQ(choice.why, "because --upstream-base-upgrade-url was given");
  }
}

TEST(ChooseUpstreamSource, AnExplicitSourceAnywhereWinsOverUrls) {
  for (size_t layer = 0; layer < 3; ++layer) {
    for (std::string configured : {"github", "upgrade-info"}) {
      std::vector<UpstreamMentions> layers = {Url("a URL in the file"), Url("a URL variable"),
                                              Url("a URL flag")};
      layers[layer].source = "--upstream-source was given";
      UpstreamChoice choice = ChooseUpstreamSource(layers, configured);
      EXPECT_EQ(choice.source, configured) << layer;
      EXPECT_EQ(choice.why, "because --upstream-source was given");
    }
  }
  EXPECT_EQ(ChooseUpstreamSource({Source("NYMVISOR_UPSTREAM_SOURCE is set")}, "github").source,
            "github");
}

TEST(ResolveUpstreamSource, WritesTheChoiceIntoTheConfig) {
  Config config = DefaultConfig("nym-node");
  EXPECT_EQ(config.nymvisor.upstream_source, "github") << "the default";
  ResolveUpstreamSource({Url("x")}, &config);
  EXPECT_EQ(config.nymvisor.upstream_source, "upgrade-info");
}

TEST(MentionsInFlags, NamesTheFlagsGiven) {
  EXPECT_EQ(MentionsInFlags({}).source, "");
  EXPECT_EQ(MentionsInFlags({}).url, "");
  EXPECT_EQ(MentionsInFlags({{"nymvisor.upstream_source", "github"}}).source,
            "--upstream-source was given");
  EXPECT_EQ(MentionsInFlags({{"nymvisor.upstream_base_upgrade_url", "http://127.0.0.1/"}}).url,
            "--upstream-base-upgrade-url was given");
  EXPECT_EQ(MentionsInFlags({{"daemon.absolute_upstream_upgrade_url", "http://127.0.0.1/x"}}).url,
            "--daemon-absolute-upstream-upgrade-url was given");
  EXPECT_EQ(MentionsInFlags({{"daemon.absolute_upstream_upgrade_url", ""}}).url, "")
      << "an empty URL names nothing";
  EXPECT_EQ(MentionsInFlags({{"nymvisor.upstream_polling_rate", "5m"}}).url, "");
}

TEST(MentionsInEnv, NamesTheVariablesSet) {
  EXPECT_EQ(MentionsInEnv(EnvFromMap({})).url, "");
  EXPECT_EQ(MentionsInEnv(EnvFromMap({{"NYMVISOR_UPSTREAM_SOURCE", "github"}})).source,
            "NYMVISOR_UPSTREAM_SOURCE is set");
  EXPECT_EQ(MentionsInEnv(EnvFromMap({{"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "http://h/"}})).url,
            "NYMVISOR_UPSTREAM_BASE_UPGRADE_URL is set");
  EXPECT_EQ(MentionsInEnv(EnvFromMap({{"DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", "http://h/x"}})).url,
            "DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL is set");
  EXPECT_EQ(MentionsInEnv(EnvFromMap({{"DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", ""}})).url, "");
}

/// LoadConfigFile applies the rules to a file and the environment.
class LoadedUpstreamTest : public ::testing::Test {
 protected:
  Result<LoadedConfig> Load(const std::string& text, std::map<std::string, std::string> env = {}) {
    WriteFile(dir_ / "x.toml", text);
    return LoadConfigFile(dir_ / "x.toml", EnvFromMap(std::move(env)), files_);
  }
  std::string Source(const std::string& text, std::map<std::string, std::string> env = {}) {
    Result<LoadedConfig> loaded = Load(text, std::move(env));
    if (!loaded.ok()) return loaded.status().message();
    return loaded->config.nymvisor.upstream_source;
  }
  TempDir dir_;
  RealFileSystem files_;
};

TEST_F(LoadedUpstreamTest, AFileNamingNoUpstreamFollowsGithub) {
  Result<LoadedConfig> loaded = Load(kBase);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config.nymvisor.upstream_source, "github");
  EXPECT_EQ(loaded->upstream.why, "the default for a new instance");
}

TEST_F(LoadedUpstreamTest, AFileNamingAUrlKeepsUpgradeInfo) {
  std::string base = "[nymvisor]\nupstream_base_upgrade_url = 'https://nymtech.net/.wellknown/'\n";
  Result<LoadedConfig> loaded = Load(base + kBase);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->config.nymvisor.upstream_source, "upgrade-info");
  EXPECT_EQ(loaded->upstream.why,
            "because upstream_base_upgrade_url is set in " + (dir_ / "x.toml").string());
  EXPECT_EQ(Source(std::string(kBase) + "absolute_upstream_upgrade_url = 'http://127.0.0.1/u'\n"),
            "upgrade-info");
  EXPECT_EQ(Source(std::string(kBase) + "absolute_upstream_upgrade_url = ''\n"), "github")
      << "the original writes unset options as ''";
}

TEST_F(LoadedUpstreamTest, TheOriginalsConfigKeepsUpgradeInfo) {
  Result<std::string> text = files_.ReadFile(testing::FixturesDir() / "original/config.toml");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("upstream_source"), std::string::npos);
  EXPECT_EQ(Source(*text), "upgrade-info");
}

TEST_F(LoadedUpstreamTest, AnExplicitSourceInTheFileWins) {
  std::string file =
      "[nymvisor]\nupstream_source = 'github'\n"
      "upstream_base_upgrade_url = 'https://nymtech.net/.wellknown/'\n" +
      std::string(kBase);
  EXPECT_EQ(Source(file), "github");
  EXPECT_EQ(Source("[nymvisor]\nupstream_source = 'upgrade-info'\n" + std::string(kBase)),
            "upgrade-info");
  EXPECT_EQ(Source(file, {{"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "http://127.0.0.1/"}}), "github");
}

TEST_F(LoadedUpstreamTest, TheEnvironmentCountsToo) {
  EXPECT_EQ(Source(kBase, {{"NYMVISOR_UPSTREAM_BASE_UPGRADE_URL", "http://127.0.0.1/"}}),
            "upgrade-info");
  EXPECT_EQ(Source(kBase, {{"DAEMON_ABSOLUTE_UPSTREAM_UPGRADE_URL", "http://127.0.0.1/x"}}),
            "upgrade-info");
  EXPECT_EQ(Source(kBase, {{"NYMVISOR_UPSTREAM_SOURCE", "upgrade-info"}}), "upgrade-info");
  std::string url = "[nymvisor]\nupstream_base_upgrade_url = 'https://nymtech.net/.wellknown/'\n";
  EXPECT_EQ(Source(url + kBase, {{"NYMVISOR_UPSTREAM_SOURCE", "github"}}), "github");
}

TEST(DescribeUpstream, NamesTheRepositoryOrTheUrlWithoutCredentials) {
  Config c = DefaultConfig("nym-node");
  EXPECT_EQ(DescribeUpstream(c), "github (nymtech/nym, tags nym-binaries-v*)");
  EXPECT_EQ(PolledUrl(c), "https://api.github.com/repos/nymtech/nym/releases");
  c.nymvisor.upstream_source = "upgrade-info";
  c.nymvisor.upstream_base_upgrade_url = "http://ops:hunter2@127.0.0.1:8080/wk/";
  EXPECT_EQ(DescribeUpstream(c),
            "upgrade-info http://ops:***@127.0.0.1:8080/wk/nym-node/upgrade-info.json");
  Json j = UpstreamToJson(c);
  EXPECT_EQ(j["source"], "upgrade-info");
  EXPECT_EQ(j["url"], "http://ops:***@127.0.0.1:8080/wk/nym-node/upgrade-info.json");
  EXPECT_TRUE(j["repository"].is_null());
  c.nymvisor.upstream_source = "github";
  j = UpstreamToJson(c);
  EXPECT_EQ(j["repository"], "nymtech/nym");
  EXPECT_EQ(j["tag_prefix"], "nym-binaries-v");
}

}  // namespace
}  // namespace nymvisor
