// The agent's status (shell/agent_status.cc) over the fakes: on the GitHub
// source it says how far the node runs behind the newest release of its
// train, in the snapshot, STATUS=, the control API and the metrics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/decide/config_score.h"
#include "agent/records/build_info.h"
#include "tests/support/agent_fixture.h"
#include "tests/support/values.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr char kApi[] = "https://api.example/repos/nymtech/nym/releases?per_page=100";
constexpr char kTag[] = "nym-binaries-v2026.12-w";

class AgentStatusTest : public testing::AgentFixture {
 protected:
  AgentStatusTest() {
    config_.nymvisor.upstream_source = "github";
    config_.nymvisor.github_api_url = "https://api.example/";
    config_.nymvisor.metrics_textfile = (dir_ / "nymvisor.prom").string();
    config_.nymvisor.upgrade_windows = {"Mon 02:00-03:00"};  // the release waits
    http_.resources[kApi].status = 200;
    http_.resources[kApi].body = "[]";
  }

  /// A release of the train whose nym-node is `version`, published an hour ago.
  void PublishRelease(const std::string& version) {
    std::string base = std::string("https://github.example/download/") + kTag + "/";
    OpenSslHasher h(ChecksumAlgorithm::kSha256);
    h.Update(binary_);
    Json details = BuildInfoToJson(testing::NodeBuildInfo(version));
    Json hashes = {
        {"assets",
         {{"nym-node",
           {{"sha256", h.FinalHex()}, {"downloadUrl", base + "nym-node"}, {"details", details}}}}}};
    auto asset = [&](const std::string& name) {
      return Json{{"name", name},
                  {"state", "uploaded"},
                  {"size", 10},
                  {"digest", nullptr},
                  {"browser_download_url", base + name}};
    };
    Json release = {{"tag_name", kTag},
                    {"draft", false},
                    {"prerelease", false},
                    {"published_at", FormatTimestamp(clock_.Now() - 1h)},
                    {"assets", {asset("nym-node"), asset("hashes.json")}}};
    http_.resources[kApi].body = DumpJsonCompact(Json::array({release}));
    http_.resources[base + "hashes.json"].status = 200;
    http_.resources[base + "hashes.json"].body = DumpJsonCompact(hashes);
    http_.resources[base + "nym-node"].status = 200;
    http_.resources[base + "nym-node"].body = binary_;
    probes_.SetBuildInfo(layout_.UpgradeBinary(kTag).string(), testing::NodeBuildInfo(version));
  }

  std::string MetricsText() { return testing::ReadFileOrDie(dir_ / "nymvisor.prom"); }
};

TEST_F(AgentStatusTest, NothingIsClaimedBeforeTheFirstReleaseIsSeen) {
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.newest_release, "");
  EXPECT_FALSE(s.versions_behind.has_value());
  EXPECT_FALSE(s.config_score.has_value());
  EXPECT_EQ(MetricsText().find("nymvisor_versions_behind"), std::string::npos) << MetricsText();
  EXPECT_EQ(notifier_.events.back().find("behind"), std::string::npos) << notifier_.events.back();
}

TEST_F(AgentStatusTest, ANewerReleaseThatWaitsForItsWindowShowsTheNodeBehind) {
  PublishRelease("1.3.0");
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.waiting_for, "window") << "the policy holds the release back";
  EXPECT_EQ(s.current_version, "1.1.0");
  EXPECT_EQ(s.newest_release, "1.3.0");
  ASSERT_TRUE(s.versions_behind.has_value());
  EXPECT_EQ(*s.versions_behind, 20u) << "two minors";
  ASSERT_TRUE(s.config_score.has_value());
  EXPECT_NEAR(*s.config_score, ConfigScore(20), 1e-12);
  EXPECT_NE(notifier_.events.back().find("behind 20 (score 0.50)"), std::string::npos)
      << notifier_.events.back();
  ASSERT_TRUE(publisher_.last.has_value());
  EXPECT_EQ(publisher_.last->versions_behind, 20u) << "the control API gets it too";
  std::string metrics = MetricsText();
  EXPECT_NE(metrics.find("nymvisor_versions_behind{instance=\"mixnode\"} 20\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("nymvisor_config_score{instance=\"mixnode\"} 0.49"), std::string::npos)
      << metrics;
}

TEST_F(AgentStatusTest, TheNewestReleaseIsKeptWhileTheListIsUnchanged) {
  PublishRelease("1.1.1");
  http_.resources[kApi].etag = "W/\"one\"";
  StartAgent();
  ASSERT_TRUE(agent_->CheckNow().ok());  // answered 304 by the fake
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.newest_release, "1.1.1");
  EXPECT_EQ(s.versions_behind, 1u);
}

TEST_F(AgentStatusTest, TheUpgradeInfoSourceSaysNothingAboutReleases) {
  config_.nymvisor.upstream_source = "upgrade-info";
  Publish(-1h);
  StartAgent();
  StatusSnapshot s = agent_->Snapshot();
  EXPECT_EQ(s.next_upgrade, "v2");
  EXPECT_EQ(s.newest_release, "");
  EXPECT_FALSE(s.versions_behind.has_value());
  EXPECT_EQ(MetricsText().find("nymvisor_config_score"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
