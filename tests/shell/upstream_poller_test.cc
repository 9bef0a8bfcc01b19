#include "agent/shell/upstream_poller.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/posix_file_system.h"
#include "agent/base/message_ids.h"
#include "tests/support/shell_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::NodeBuildInfo;

constexpr char kUrl[] = "https://upstream.example/nym-node/upgrade-info.json";

class UpstreamPollerTest : public testing::ShellFixture {
 protected:
  UpstreamPollerTest() {
    worker_.inline_jobs = true;
    poller_.emplace(PollerDeps{http_, records_, clock_, scheduler_, worker_, log_,
                               [](Duration) { return Duration::zero(); }},
                    kUrl, 1h, [this](const UpgradeInfo& info) { queued_.push_back(info.name); });
  }

  void Offer(const std::string& name, const std::string& version, const std::string& etag = "") {
    UpgradeInfo info;
    info.name = name;
    info.version = version;
    info.upgrade_time = clock_.Now() + 1h;
    http_.resources[kUrl].body = DumpJsonPretty(UpgradeInfoToJson(info));
    http_.resources[kUrl].status = 200;
    http_.resources[kUrl].etag = etag;
  }
  std::optional<UpstreamPoller> poller_;
  std::vector<std::string> queued_;
};

TEST_F(UpstreamPollerTest, QueuesANewerVersionAtOnceAndPollsPeriodically) {
  Offer("v2", "1.2.0");
  poller_->Start();
  EXPECT_EQ(queued_, std::vector<std::string>{"v2"});
  EXPECT_EQ(store_.LoadPlan()->queued_up.size(), 1u);
  EXPECT_EQ(store_.LoadUpgradeInfo("v2")->version, "1.2.0");
  EXPECT_EQ(Count(message_ids::kUpgradeQueued), 1);
  EXPECT_EQ(poller_->next_check(), clock_.Now() + 1h);
  scheduler_.Advance(1h);
  EXPECT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(queued_.size(), 1u) << "already queued";
}

TEST_F(UpstreamPollerTest, UsesConditionalGets) {
  Offer("v2", "1.2.0", "\"etag-1\"");
  poller_->Start();
  scheduler_.Advance(1h);
  EXPECT_EQ(http_.requests.back().if_none_match, "\"etag-1\"");
}

TEST_F(UpstreamPollerTest, RefusesADowngradeAndSaysSoOnce) {
  Offer("old", "1.0.0");
  poller_->Start();
  scheduler_.Advance(1h);
  EXPECT_TRUE(queued_.empty());
  EXPECT_EQ(Count(message_ids::kDowngradeRefused), 1);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
}

TEST_F(UpstreamPollerTest, ReportsAnUnreachableUpstreamOncePerOutage) {
  http_.resources[kUrl].status = 503;
  poller_->Start();
  scheduler_.Advance(1h);
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 1);
  Offer("v2", "1.2.0");
  scheduler_.Advance(1h);
  EXPECT_EQ(queued_, std::vector<std::string>{"v2"});
  http_.resources[kUrl].status = 503;
  scheduler_.Advance(1h);
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 2);
}

TEST_F(UpstreamPollerTest, GarbageFromUpstreamIsReportedNotQueued) {
  http_.resources[kUrl].body = "<html>maintenance</html>";
  poller_->Start();
  EXPECT_TRUE(queued_.empty());
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 1);
}

TEST_F(UpstreamPollerTest, StopEndsThePolling) {
  Offer("v2", "1.2.0");
  poller_->Start();
  poller_->Stop();
  scheduler_.Advance(5h);
  EXPECT_EQ(http_.requests.size(), 1u);
}

}  // namespace
}  // namespace nymvisor
