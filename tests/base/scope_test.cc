#include "agent/base/scope.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {
namespace {

struct Recorder {
  explicit Recorder(std::vector<std::string>* log) : log(log) {}
  ~Recorder() { log->push_back("ended"); }
  std::vector<std::string>* log;
};

TEST(Scope, AnEmptyScopeEndsNothing) {
  Scope scope;
  EXPECT_FALSE(scope.active());
}

TEST(Scope, EndsWhatItHoldsOnceWhenDropped) {
  std::vector<std::string> log;
  {
    Scope scope = Scope::Holding(std::make_unique<Recorder>(&log));
    EXPECT_TRUE(scope.active());
    Scope moved = std::move(scope);
    EXPECT_TRUE(log.empty()) << "a move ends nothing";
  }
  EXPECT_EQ(log, std::vector<std::string>{"ended"});
}

TEST(Scope, RunsItsExitActionOnceAfterAMove) {
  int calls = 0;
  {
    Scope scope = Scope::OnExit([&] { ++calls; });
    Scope other;
    other = std::move(scope);
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(calls, 1);
}

TEST(Scope, ReassigningEndsTheOldScopeFirst) {
  std::vector<std::string> log;
  Scope scope = Scope::OnExit([&] { log.push_back("first"); });
  scope = Scope::OnExit([&] { log.push_back("second"); });
  EXPECT_EQ(log, std::vector<std::string>{"first"});
}

TEST(Scope, EndEndsItEarlyAndOnlyOnce) {
  int calls = 0;
  Scope scope = Scope::OnExit([&] { ++calls; });
  scope.End();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(scope.active());
  scope.End();
  EXPECT_EQ(calls, 1);
}

TEST(Scope, TravelsInAResult) {
  int calls = 0;
  {
    Result<Scope> entered = Scope::OnExit([&] { ++calls; });
    ASSERT_TRUE(entered.ok());
    Scope kept = std::move(entered).value();
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace nymvisor
