#include "agent/decide/api_health.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

const char kHealth[] = "http://127.0.0.1:8080/api/v1/health";
const char kBuild[] = "http://127.0.0.1:8080/api/v1/build-information";

ApiHealthPolicy Both() { return {kHealth, kBuild, "1.2.0", 3}; }
ApiHealthPolicy HealthOnly() { return {kHealth, "", "1.2.0", 3}; }
ApiHealthPolicy BuildOnly() { return {"", kBuild, "1.2.0", 3}; }

TEST(ApiHealthPolicy, AsksOnlyWithAUrl) {
  EXPECT_FALSE(ApiHealthPolicy{}.asks());
  EXPECT_TRUE(HealthOnly().asks());
  EXPECT_TRUE(BuildOnly().asks());
}

TEST(JudgeApiHealth, NothingToAskIsHealthyAtTheEnd) {
  EXPECT_EQ(JudgeApiHealth({}, {}, /*at_end=*/true).verdict, HealthVerdict::kHealthy);
}

TEST(JudgeApiHealth, PendingUntilTheEndWhileTheApiHasNotAnswered) {
  ApiHealth h;
  NoteHealthProbe(h, 0, "connection refused");
  NoteHealthProbe(h, 500, "HTTP 500");
  NoteHealthProbe(h, 503, "HTTP 503");
  NoteHealthProbe(h, 0, "timed out");
  // A node takes a while to open its port: failures before the first 2xx
  // are not counted in a row.
  EXPECT_EQ(h.failures_in_row, 0u);
  EXPECT_EQ(JudgeApiHealth(HealthOnly(), h, false).verdict, HealthVerdict::kPending);
}

TEST(JudgeApiHealth, AHealthUrlThatNeverAnsweredIsUnhealthyAtTheEnd) {
  ApiHealth h;
  NoteHealthProbe(h, 500, "HTTP 500");
  HealthJudgement j = JudgeApiHealth(HealthOnly(), h, true);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason,
            std::string(kHealth) + " never answered 2xx during the health check (last: HTTP 500)");
}

TEST(JudgeApiHealth, OneAnswerIsEnoughAtTheEnd) {
  ApiHealth h;
  NoteHealthProbe(h, 0, "refused");
  NoteHealthProbe(h, 200, "");
  NoteHealthProbe(h, 500, "HTTP 500");
  EXPECT_EQ(JudgeApiHealth(HealthOnly(), h, true).verdict, HealthVerdict::kHealthy);
}

TEST(JudgeApiHealth, ThreeFailuresInARowAfterAnAnswerAreUnhealthyAtOnce) {
  ApiHealth h;
  NoteHealthProbe(h, 204, "");
  NoteHealthProbe(h, 500, "HTTP 500");
  NoteHealthProbe(h, 0, "refused");
  EXPECT_EQ(JudgeApiHealth(HealthOnly(), h, false).verdict, HealthVerdict::kPending);
  NoteHealthProbe(h, 502, "HTTP 502");
  HealthJudgement j = JudgeApiHealth(HealthOnly(), h, false);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason,
            std::string(kHealth) + " failed 3 times in a row after answering (last: HTTP 502)");
}

TEST(JudgeApiHealth, AnAnswerBetweenFailuresStartsTheCountAgain) {
  ApiHealth h;
  NoteHealthProbe(h, 200, "");
  NoteHealthProbe(h, 500, "HTTP 500");
  NoteHealthProbe(h, 500, "HTTP 500");
  NoteHealthProbe(h, 200, "");
  NoteHealthProbe(h, 500, "HTTP 500");
  NoteHealthProbe(h, 500, "HTTP 500");
  EXPECT_EQ(h.failures_in_row, 2u);
  EXPECT_EQ(JudgeApiHealth(HealthOnly(), h, true).verdict, HealthVerdict::kHealthy);
}

TEST(JudgeApiHealth, TheOldVersionAnsweringIsUnhealthyAtOnceAndNamesBoth) {
  ApiHealth h;
  NoteBuildInfoProbe(h, BuildOnly(), R"({"binary_name":"nym-node","build_version":"1.1.0"})", "");
  HealthJudgement j = JudgeApiHealth(BuildOnly(), h, false);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason, std::string(kBuild) +
                          " reports build_version 1.1.0, not 1.2.0: the old binary still answers");
}

TEST(JudgeApiHealth, TheNewVersionIsHealthyWithOrWithoutAv) {
  for (const char* v : {"1.2.0", "v1.2.0"}) {
    ApiHealth h;
    NoteBuildInfoProbe(h, BuildOnly(), std::string(R"({"build_version":")") + v + "\"}", "");
    EXPECT_TRUE(h.build_ok) << v;
    EXPECT_EQ(JudgeApiHealth(BuildOnly(), h, true).verdict, HealthVerdict::kHealthy) << v;
  }
}

TEST(JudgeApiHealth, ABuildInfoUrlThatNeverReportsIsUnhealthyAtTheEnd) {
  ApiHealth h;
  NoteBuildInfoProbe(h, BuildOnly(), "", "connection refused");
  NoteBuildInfoProbe(h, BuildOnly(), "not json", "");
  NoteBuildInfoProbe(h, BuildOnly(), R"({"version":"1.2.0"})", "");
  EXPECT_EQ(JudgeApiHealth(BuildOnly(), h, false).verdict, HealthVerdict::kPending);
  HealthJudgement j = JudgeApiHealth(BuildOnly(), h, true);
  EXPECT_EQ(j.verdict, HealthVerdict::kUnhealthy);
  EXPECT_EQ(j.reason,
            std::string(kBuild) + " never reported build_version 1.2.0 during the health check");
}

TEST(JudgeApiHealth, BothMustHoldAtTheEnd) {
  ApiHealth h;
  NoteHealthProbe(h, 200, "");
  EXPECT_EQ(JudgeApiHealth(Both(), h, true).verdict, HealthVerdict::kUnhealthy);
  NoteBuildInfoProbe(h, Both(), R"({"build_version":"1.2.0"})", "");
  EXPECT_EQ(JudgeApiHealth(Both(), h, true).verdict, HealthVerdict::kHealthy);
}

TEST(JudgeApiHealth, AnUnaskedUrlIsNeverHeldAgainstTheNode) {
  ApiHealth h;
  NoteHealthProbe(h, 200, "");
  EXPECT_EQ(JudgeApiHealth(HealthOnly(), h, true).verdict, HealthVerdict::kHealthy);
  ApiHealth b;
  NoteBuildInfoProbe(b, BuildOnly(), R"({"build_version":"1.2.0"})", "");
  EXPECT_EQ(JudgeApiHealth(BuildOnly(), b, true).verdict, HealthVerdict::kHealthy);
}

}  // namespace
}  // namespace nymvisor
