#include "agent/records/upgrade_plan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/builders.h"
#include "tests/support/values.h"

namespace nymvisor {
namespace {

using testing::GenesisPlan;
using testing::Upgrade;

using namespace std::chrono_literals;

UpgradeInfo Entry(const std::string& name, int minutes) {
  return Upgrade(name, name, Timestamp() + std::chrono::minutes(minutes));
}

std::vector<std::string> Names(const UpgradePlan& plan) {
  std::vector<std::string> names;
  for (const auto& e : plan.queued_up) names.push_back(e.name);
  return names;
}

TEST(UpgradePlan, InsertKeepsTheQueueSortedAndStable) {
  UpgradePlan plan = GenesisPlan("1.0.0");
  InsertQueued(&plan, Entry("c", 30));
  InsertQueued(&plan, Entry("a", 10));
  InsertQueued(&plan, Entry("b1", 20));
  InsertQueued(&plan, Entry("b2", 20));
  EXPECT_EQ(Names(plan), (std::vector<std::string>{"a", "b1", "b2", "c"}));
}

TEST(UpgradePlan, FindAndRemove) {
  UpgradePlan plan;
  InsertQueued(&plan, Entry("a", 10));
  InsertQueued(&plan, Entry("b", 20));
  EXPECT_NE(FindQueuedByName(plan, "b"), nullptr);
  EXPECT_EQ(FindQueuedByName(plan, "z"), nullptr);
  EXPECT_EQ(FindQueuedByVersion(plan, "a")->name, "a");
  EXPECT_TRUE(RemoveQueued(&plan, "a"));
  EXPECT_FALSE(RemoveQueued(&plan, "a"));
  EXPECT_EQ(Names(plan), std::vector<std::string>{"b"});
}

TEST(UpgradePlan, ReadingSortsAnUnsortedQueue) {
  UpgradePlan plan{MakeGenesisInfo(testing::NodeBuildInfo("1.0.0")), {Entry("late", 50)}};
  Json j = UpgradePlanToJson(plan);
  j["queuedUp"].push_back(UpgradeInfoToJson(Entry("early", 5)));
  EXPECT_EQ(Names(*UpgradePlanFromJson(j)), (std::vector<std::string>{"early", "late"}));
}

TEST(UpgradePlan, RoundTripsAndRequiresBothKeys) {
  UpgradePlan plan{MakeGenesisInfo(testing::NodeBuildInfo("1.0.0")), {Entry("a", 1)}};
  EXPECT_EQ(*UpgradePlanFromJson(UpgradePlanToJson(plan)), plan);
  Json j = UpgradePlanToJson(plan);
  j.erase("queuedUp");
  EXPECT_NE(UpgradePlanFromJson(j).status().message().find("queuedUp"), std::string::npos);
  j = UpgradePlanToJson(plan);
  j.erase("current");
  EXPECT_NE(UpgradePlanFromJson(j).status().message().find("current"), std::string::npos);
}

TEST(UpgradePlan, ErrorsNameTheBadQueueEntry) {
  Json j = UpgradePlanToJson(GenesisPlan("1"));
  j["queuedUp"].push_back({{"name", "x"}});
  EXPECT_NE(UpgradePlanFromJson(j).status().message().find("queuedUp[0]"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
