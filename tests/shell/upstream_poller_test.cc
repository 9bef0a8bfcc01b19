#include "agent/shell/upstream_poller.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/minisign_verifier.h"
#include "agent/adapters/real_file_system.h"
#include "agent/base/message_ids.h"
#include "tests/support/builders.h"
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
    poller_.emplace(Deps(), kUrl, 1h,
                    [this](const UpgradeInfo& info) { queued_.push_back(info.name); });
  }

  /// The poller's effects: the fixture's fakes, no jitter.
  PollerDeps Deps() {
    return PollerDeps{.http = http_,
                      .records = records_,
                      .clock = clock_,
                      .scheduler = scheduler_,
                      .worker = FetchLane(worker_),
                      .log = log_,
                      .jitter = [](Duration) { return Duration::zero(); }};
  }

  void Offer(const std::string& name, const std::string& version, const std::string& etag = "") {
    UpgradeInfo info = testing::Upgrade(name, version, clock_.Now() + 1h);
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

TEST_F(UpstreamPollerTest, UpstreamMovingAQueuedUpgradesTimeMovesThePlanEntry) {
  Offer("v2", "1.2.0");
  Timestamp first = clock_.Now() + 1h;
  poller_->Start();
  ASSERT_EQ(store_.LoadPlan()->queued_up.at(0).upgrade_time, first);
  UpgradeInfo later = *store_.LoadUpgradeInfo("v2");
  later.upgrade_time = first + 2h;
  http_.resources[kUrl].body = DumpJsonPretty(UpgradeInfoToJson(later));
  scheduler_.Advance(30min);
  poller_->CheckNow();
  EXPECT_EQ(store_.LoadPlan()->queued_up.at(0).upgrade_time, first + 2h);
  EXPECT_EQ(store_.LoadUpgradeInfo("v2")->upgrade_time, first + 2h);
  EXPECT_EQ(queued_, (std::vector<std::string>{"v2", "v2"})) << "the agent looks again";
  EXPECT_EQ(Count(message_ids::kUpgradeQueued), 2);
  EXPECT_NE(poller_->last_check()->result.find("upstream moved upgrade v2"), std::string::npos);
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

TEST_F(UpstreamPollerTest, A404IsReportedOnceWithItsHintAndOnceWhenItRecovers) {
  http_.resources[kUrl].status = 404;
  poller_->Start();
  scheduler_.Advance(1h);
  scheduler_.Advance(1h);
  ASSERT_EQ(http_.requests.size(), 3u);
  EXPECT_TRUE(http_.requests.front().absent_is_an_answer) << "a 404 is told apart";
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 1) << "not once per poll";
  const JournalEntry& failing = journal_.entries.back();
  EXPECT_NE(failing.message.find(std::string("upstream ") + kUrl + " fails: HTTP status 404"),
            std::string::npos)
      << failing.message;
  EXPECT_NE(failing.message.find("Nym no longer publishes this file; set upstream_source = github"),
            std::string::npos);
  EXPECT_TRUE(poller_->health().failing);
  EXPECT_EQ(poller_->health().failed_polls, 3u);
  EXPECT_FALSE(poller_->last_check()->ok);
  EXPECT_NE(poller_->last_check()->result.find("upstream_source = github"), std::string::npos);
  Offer("v2", "1.2.0");
  scheduler_.Advance(1h);
  EXPECT_EQ(Count(message_ids::kUpstreamRecovered), 1);
  EXPECT_FALSE(poller_->health().failing);
  scheduler_.Advance(1h);
  EXPECT_EQ(Count(message_ids::kUpstreamRecovered), 1) << "still answering: nothing new";
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 1);
}

TEST_F(UpstreamPollerTest, AnUnreachableHostIsReportedOnceWithItsUrl) {
  http_.resources.clear();  // the fake answers "no route", as a failed connection
  poller_->Start();
  scheduler_.Advance(1h);
  EXPECT_EQ(Count(message_ids::kUpstreamUnreachable), 1);
  EXPECT_EQ(poller_->health().failure, UpstreamFailure::kUnreachable);
  EXPECT_EQ(poller_->health().url, kUrl);
}

TEST_F(UpstreamPollerTest, NoCredentialOfTheUrlReachesTheJournal) {
  const std::string url = "http://ops:hunter2@127.0.0.1:1/nym-node/upgrade-info.json";
  poller_.emplace(Deps(), url, 1h, [](const UpgradeInfo&) {});
  http_.resources[url].status = 404;
  poller_->Start();
  EXPECT_EQ(http_.requests.back().url, url) << "the URL fetched is unchanged";
  ASSERT_EQ(Count(message_ids::kUpstreamUnreachable), 1);
  for (const JournalEntry& entry : journal_.entries) {
    EXPECT_EQ(entry.message.find("hunter2"), std::string::npos) << entry.message;
    for (const auto& [name, value] : entry.fields) {
      EXPECT_EQ(value.find("hunter2"), std::string::npos) << name;
    }
  }
  EXPECT_NE(journal_.entries.back().message.find("http://ops:***@127.0.0.1:1/"), std::string::npos);
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

// Signed with the real minisign tool: tests/fixtures/minisign/make-fixtures.sh.
std::string Minisign(const std::string& name) {
  return testing::ReadFileOrDie(testing::FixturesDir() / "minisign" / name);
}

std::string TestKey() {
  std::string pub = Minisign("test.pub");
  size_t start = pub.find('\n') + 1;
  return pub.substr(start, pub.find('\n', start) - start);
}

class SignedUpstreamTest : public testing::ShellFixture {
 protected:
  void StartPolling(bool required) {
    worker_.inline_jobs = true;
    auto verifier = MinisignVerifier::Create({TestKey()});
    ASSERT_TRUE(verifier.ok());
    PollerDeps deps{
        .http = http_,
        .records = records_,
        .clock = clock_,
        .scheduler = scheduler_,
        .worker = FetchLane(worker_),
        .log = log_,
        .jitter = [](Duration) { return Duration::zero(); },
        .signatures = {.verifier = std::shared_ptr<SignatureVerifier>(std::move(verifier).value()),
                       .required = required}};
    poller_.emplace(std::move(deps), kUrl, 1h,
                    [this](const UpgradeInfo& info) { queued_.push_back(info.name); });
    poller_->Start();
  }
  void Serve(const std::string& body, std::optional<std::string> minisig) {
    http_.resources[kUrl].status = 200;
    http_.resources[kUrl].body = body;
    Answer(std::string(kUrl) + ".minisig", minisig ? 200 : 404, minisig.value_or(""));
  }
  void Answer(const std::string& url, long status, const std::string& body) {
    http_.resources[url].status = status;
    http_.resources[url].body = body;
  }
  std::string Reason() const { return poller_->last_check()->result; }

  std::string data_ = Minisign("upgrade-info.json");
  std::optional<UpstreamPoller> poller_;
  std::vector<std::string> queued_;
};

TEST_F(SignedUpstreamTest, ASignedFileIsQueuedAndItsTimeRemembered) {
  Serve(data_, Minisign("upgrade-info.json.minisig"));
  StartPolling(/*required=*/true);
  EXPECT_EQ(queued_, std::vector<std::string>{"v2"}) << Reason();
  Result<SignatureRecord> record = store_.LoadSignature();
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_GT(record->signed_at, 1700000000);
  EXPECT_EQ(record->key_id.size(), 16u);
}

TEST_F(SignedUpstreamTest, UnsignedIsRefusedWhenRequiredAndTakenWhenNot) {
  Serve(data_, std::nullopt);
  StartPolling(/*required=*/true);
  EXPECT_TRUE(queued_.empty());
  EXPECT_EQ(Reason(),
            "upgrade-info.json is not signed (no upgrade-info.json.minisig) and "
            "nymvisor.require_signature is on");
  EXPECT_EQ(Count(message_ids::kSignatureRefused), 1);
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
  poller_.reset();
  StartPolling(/*required=*/false);
  EXPECT_EQ(queued_, std::vector<std::string>{"v2"});
}

TEST_F(SignedUpstreamTest, AChangedByteIsRefusedEvenWhenSignaturesAreOptional) {
  std::string changed = data_;
  changed.replace(changed.find("1.2.0"), 5, "1.2.9");
  Serve(changed, Minisign("upgrade-info.json.minisig"));
  StartPolling(/*required=*/false);
  EXPECT_TRUE(queued_.empty());
  EXPECT_NE(Reason().find("does not match the data"), std::string::npos) << Reason();
  EXPECT_TRUE(store_.LoadPlan()->queued_up.empty());
}

TEST_F(SignedUpstreamTest, AWrongKeyOrAnotherFilesSignatureIsRefused) {
  Serve(data_, Minisign("by-other-key.minisig"));
  StartPolling(/*required=*/true);
  EXPECT_NE(Reason().find("not in nymvisor.trusted_keys"), std::string::npos) << Reason();
  Serve(data_, Minisign("for-other-file.minisig"));
  poller_->CheckNow();
  EXPECT_EQ(Reason(), "the signature served for upgrade-info.json was made for other.json");
  EXPECT_TRUE(queued_.empty());
}

TEST_F(SignedUpstreamTest, AnOlderSignedFileServedAgainIsAReplay) {
  Serve(data_, Minisign("upgrade-info.json.minisig"));
  StartPolling(/*required=*/true);
  ASSERT_EQ(queued_.size(), 1u);
  Serve(data_, Minisign("old.minisig"));  // the same bytes, signed at timestamp 1000
  poller_->CheckNow();
  EXPECT_NE(Reason().find("older than one already accepted"), std::string::npos) << Reason();
  EXPECT_EQ(Count(message_ids::kSignatureRefused), 1);
}

TEST_F(SignedUpstreamTest, AnUnreachableSignatureIsTriedAgainLater) {
  Serve(data_, std::nullopt);
  Answer(std::string(kUrl) + ".minisig", 503, "");
  StartPolling(/*required=*/false);
  EXPECT_TRUE(queued_.empty()) << "not knowing is not the same as unsigned";
  EXPECT_NE(Reason().find("fetching the signature"), std::string::npos) << Reason();
  Answer(std::string(kUrl) + ".minisig", 404, "");
  scheduler_.Advance(1h);
  EXPECT_EQ(queued_, std::vector<std::string>{"v2"});
}

}  // namespace
}  // namespace nymvisor
