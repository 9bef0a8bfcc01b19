#include "agent/decide/upstream_health.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

using Kind = UpstreamHealthEvent::Kind;
using namespace std::chrono_literals;

constexpr char kUrl[] = "https://nymtech.net/.wellknown/nym-node/upgrade-info.json";
const Timestamp kT0 = *ParseTimestamp("2026-11-26T12:00:00Z");

Status NotFound() { return Status::NotFound(std::string("HTTP status 404 from ") + kUrl); }

TEST(ClassifyUpstreamError, ReadsTheStatusCode) {
  EXPECT_EQ(ClassifyUpstreamError(NotFound()), UpstreamFailure::kAbsent);
  EXPECT_EQ(ClassifyUpstreamError(Status::Unavailable("GET x: Could not resolve host")),
            UpstreamFailure::kUnreachable);
  EXPECT_EQ(ClassifyUpstreamError(Status::Error("HTTP status 401 from x")),
            UpstreamFailure::kRejected);
}

TEST(UpstreamHint, TellsAnUpgradeInfo404ToFollowGithub) {
  EXPECT_EQ(UpstreamHint("upgrade-info", UpstreamFailure::kAbsent),
            "Nym no longer publishes this file; set upstream_source = github");
  EXPECT_NE(UpstreamHint("github", UpstreamFailure::kAbsent).find("github_repository"),
            std::string::npos);
  EXPECT_NE(UpstreamHint("upgrade-info", UpstreamFailure::kUnreachable).find("DNS"),
            std::string::npos);
  EXPECT_EQ(UpstreamHint("github", UpstreamFailure::kUnreachable).find("upstream_source"),
            std::string::npos)
      << "github is already the source";
}

TEST(NoteUpstreamPoll, AFailingSourceIsReportedOnceThenOnceWhenItRecovers) {
  UpstreamHealth health;
  EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", kUrl, {}, kT0).kind, Kind::kNone)
      << "an answering source says nothing";
  UpstreamHealthEvent first = NoteUpstreamPoll(&health, "upgrade-info", kUrl, NotFound(), kT0);
  EXPECT_EQ(first.kind, Kind::kFailing);
  EXPECT_EQ(first.message, std::string("upstream ") + kUrl + " fails: HTTP status 404 from " +
                               kUrl +
                               "; Nym no longer publishes this file; set upstream_source = github");
  for (int poll = 1; poll <= 5; ++poll) {
    EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", kUrl, NotFound(), kT0 + poll * 1h).kind,
              Kind::kNone)
        << "still failing: nothing new, poll " << poll;
  }
  EXPECT_TRUE(health.failing);
  EXPECT_EQ(health.failed_polls, 6u);
  EXPECT_EQ(health.since, kT0);
  EXPECT_EQ(health.url, kUrl);
  EXPECT_EQ(health.failure, UpstreamFailure::kAbsent);
  UpstreamHealthEvent back = NoteUpstreamPoll(&health, "upgrade-info", kUrl, {}, kT0 + 7h);
  EXPECT_EQ(back.kind, Kind::kRecovered);
  EXPECT_EQ(back.message, std::string("upstream ") + kUrl + " answers again after 6 failed polls");
  EXPECT_EQ(health, UpstreamHealth{});
  EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", kUrl, {}, kT0 + 8h).kind, Kind::kNone);
}

TEST(NoteUpstreamPoll, FailingInAnotherWayIsANewState) {
  UpstreamHealth health;
  NoteUpstreamPoll(&health, "upgrade-info", kUrl, NotFound(), kT0);
  UpstreamHealthEvent dns =
      NoteUpstreamPoll(&health, "upgrade-info", kUrl,
                       Status::Unavailable("GET x: Could not resolve host"), kT0 + 1h);
  EXPECT_EQ(dns.kind, Kind::kFailing);
  EXPECT_EQ(health.failed_polls, 1u);
  EXPECT_EQ(health.since, kT0 + 1h);
  EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", "http://127.0.0.1/other",
                             Status::Unavailable("GET x: Could not resolve host"), kT0 + 2h)
                .kind,
            Kind::kFailing)
      << "another URL (a reload changed it)";
  EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", "http://127.0.0.1/other",
                             Status::Unavailable("GET x: Connection refused"), kT0 + 3h)
                .kind,
            Kind::kNone)
      << "another wording of the same failure is not";
  EXPECT_EQ(health.error, "GET x: Connection refused") << "the last error is kept";
}

TEST(NoteUpstreamPoll, ShowsNoCredentials) {
  UpstreamHealth health;
  std::string url = "http://ops:hunter2@127.0.0.1:1/wk/nym-node/upgrade-info.json";
  UpstreamHealthEvent event = NoteUpstreamPoll(
      &health, "upgrade-info", url, Status::Unavailable("GET " + url + ": refused"), kT0);
  EXPECT_EQ(event.message.find("hunter2"), std::string::npos) << event.message;
  EXPECT_EQ(health.url, "http://ops:***@127.0.0.1:1/wk/nym-node/upgrade-info.json");
  EXPECT_EQ(health.error.find("hunter2"), std::string::npos);
  EXPECT_EQ(NoteUpstreamPoll(&health, "upgrade-info", url, {}, kT0).message.find("hunter2"),
            std::string::npos);
}

}  // namespace
}  // namespace nymvisor
