// The agent under local faults: a disk that fills during a download, records
// that cannot be written. Each is backed off, never retried in a tight loop,
// and leaves no partial file; the node is never touched.
#include <gtest/gtest.h>

#include "agent/base/message_ids.h"
#include "agent/decide/upgrade_schedule.h"
#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::kBinUrl;

class AgentFaultsTest : public testing::AgentFixture {
 protected:
  int BinaryGets() const {
    return static_cast<int>(std::count_if(http_.requests.begin(), http_.requests.end(),
                                          [](const HttpRequest& r) { return r.url == kBinUrl; }));
  }
  std::filesystem::path Partial() const {
    std::filesystem::path tmp = layout_.UpgradeBinary("v2");
    tmp += ".tmp";
    return tmp;
  }
};

TEST(StagingRetryDelayTest, DoublesFromAMinuteToAnHour) {
  EXPECT_EQ(StagingRetryDelay(1), 1min);
  EXPECT_EQ(StagingRetryDelay(2), 2min);
  EXPECT_EQ(StagingRetryDelay(3), 4min);
  EXPECT_EQ(StagingRetryDelay(7), 60min);
  EXPECT_EQ(StagingRetryDelay(1000), 60min);
}

TEST_F(AgentFaultsTest, ADiskThatFillsDuringADownloadIsBackedOffAndLeavesNoPartial) {
  *files_.append_room = 4'000;  // the binary is 10,000 bytes
  Publish(-1h);
  StartAgent();
  EXPECT_EQ(BinaryGets(), 1);
  EXPECT_FALSE(std::filesystem::exists(Partial())) << "the partial gives its space back";
  EXPECT_TRUE(Journaled("No space left on device; the partial download was removed"));
  EXPECT_TRUE(Journaled("tried again in 1m:"));
  scheduler_.Advance(59s);
  EXPECT_EQ(BinaryGets(), 1) << "not retried at once";
  scheduler_.Advance(1s);
  EXPECT_EQ(BinaryGets(), 2);
  scheduler_.Advance(119s);
  EXPECT_EQ(BinaryGets(), 2) << "the second wait is twice as long";
  scheduler_.Advance(1s);
  EXPECT_EQ(BinaryGets(), 3);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0) << "the node is never touched";
  EXPECT_FALSE(store_.LoadHistory()->history.size() > 0) << "nothing refused for good";

  files_.append_room->reset();  // space is freed
  scheduler_.Advance(4min);
  EXPECT_EQ(BinaryGets(), 4);
  EXPECT_TRUE(std::filesystem::exists(layout_.UpgradeBinary("v2")));
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 1) << "staged, and then applied";
}

TEST_F(AgentFaultsTest, ABinaryOverTheConfiguredCapIsRefusedAndLeavesNoPartial) {
  config_.daemon.max_download_size_mib = 1;
  binary_ = std::string((1 << 20) + 1, 'n');
  http_.resources[kBinUrl].body = binary_;
  Publish(-1h);
  StartAgent();
  EXPECT_TRUE(Journaled("(the limit is daemon.max_download_size_mib)"));
  EXPECT_FALSE(std::filesystem::exists(Partial()));
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  ASSERT_EQ(store_.LoadHistory()->history.size(), 1u);
  EXPECT_EQ(store_.LoadHistory()->history[0].outcome, UpgradeOutcome::kFailed);
}

TEST_F(AgentFaultsTest, ARefusalThatCannotBeRecordedIsNotStagedAgainInALoop) {
  Publish(-1h, std::string(64, 'a'));  // a checksum mismatch: refused
  files_.fail_write = [this](const std::filesystem::path& p) { return p == layout_.HistoryFile(); };
  StartAgent();
  EXPECT_EQ(BinaryGets(), 1) << "one download, not one per pass of the plan";
  EXPECT_TRUE(Journaled("recording the refusal of v2 failed"));
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
  scheduler_.Advance(59s);
  EXPECT_EQ(BinaryGets(), 1);

  files_.fail_write = nullptr;
  scheduler_.Advance(1s);
  EXPECT_EQ(BinaryGets(), 2);
  ASSERT_EQ(store_.LoadHistory()->history.size(), 1u) << "recorded once the disk has room";
  EXPECT_EQ(store_.LoadHistory()->history[0].outcome, UpgradeOutcome::kFailed);
  EXPECT_EQ(Calls(std::string("stop ") + kUnit), 0);
}

}  // namespace
}  // namespace nymvisor
