#include "agent/shell/control_service.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/agent_fixture.h"

namespace nymvisor {
namespace {

using testing::kInfoUrl;

/// Grants only what the test lists, and records every question.
class FakeAuthorizer : public Authorizer {
 public:
  Status Authorize(const Caller& caller, const std::string& action,
                   const std::map<std::string, std::string>& details) override {
    asked.push_back(action + " " + details.at("instance") + " " + std::to_string(caller.uid));
    if (!error.ok()) return error;
    return granted.count(action) ? Status() : Status::Denied("polkit said no");
  }
  std::set<std::string> granted;
  std::vector<std::string> asked;
  Status error;
};

class ControlServiceTest : public testing::AgentFixture {
 protected:
  ControlServiceTest() {
    http_.resources[kInfoUrl].status = 404;
    StartAgent();
    service_.emplace(*agent_, authorizer_, log_, "mixnode");
    alice_.uid = 1000;
    alice_.user = "alice";
  }
  FakeAuthorizer authorizer_;
  std::optional<ControlService> service_;
  Caller alice_;
};

TEST_F(ControlServiceTest, EveryMutatingMethodIsDeniedWithoutItsAction) {
  std::vector<Status> results = {
      service_->CheckNow(alice_),   service_->ApplyNow(alice_).status(),
      service_->Hold(alice_, "x"),  service_->Resume(alice_),
      service_->Skip(alice_, "v2"), service_->Rollback(alice_, "").status(),
      service_->Reload(alice_)};
  for (const Status& st : results) {
    EXPECT_TRUE(st.IsDenied()) << st.message();
    EXPECT_NE(st.message().find("uid 1000 (alice)"), std::string::npos) << st.message();
  }
  EXPECT_EQ(
      authorizer_.asked,
      (std::vector<std::string>{
          "net.nymtech.nymvisor1.check mixnode 1000", "net.nymtech.nymvisor1.apply mixnode 1000",
          "net.nymtech.nymvisor1.hold mixnode 1000", "net.nymtech.nymvisor1.hold mixnode 1000",
          "net.nymtech.nymvisor1.skip mixnode 1000", "net.nymtech.nymvisor1.rollback mixnode 1000",
          "net.nymtech.nymvisor1.reload mixnode 1000"}));
  EXPECT_FALSE(std::filesystem::exists(layout_.HoldFile())) << "nothing was done";
  EXPECT_NE(results[2].message().find("net.nymtech.nymvisor1.hold for instance mixnode"),
            std::string::npos)
      << results[2].message();
}

TEST_F(ControlServiceTest, AGrantedActionReachesTheAgentAndReadingIsOpen) {
  authorizer_.granted = {kActionHold};
  ASSERT_TRUE(service_->Hold(alice_, "epoch").ok());
  EXPECT_EQ(store_.LoadHold()->by, "uid 1000 (alice)");
  EXPECT_TRUE(service_->GetStatus().held);
  EXPECT_TRUE(service_->Skip(alice_, "v2").IsDenied()) << "only the hold action was granted";
}

TEST_F(ControlServiceTest, AnUnansweredCheckIsADenialNotAGrant) {
  authorizer_.error = Status::Error("polkitd is not running");
  Status st = service_->Hold(alice_, "");
  EXPECT_TRUE(st.IsDenied());
  EXPECT_NE(st.message().find("polkitd is not running"), std::string::npos) << st.message();
  EXPECT_FALSE(std::filesystem::exists(layout_.HoldFile()));
}

}  // namespace
}  // namespace nymvisor
