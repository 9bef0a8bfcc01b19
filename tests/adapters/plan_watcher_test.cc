#include "agent/adapters/plan_watcher.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;
using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

constexpr int kTimedOut = 99;

/// Writes a sibling temp file and renames it over `path`, as add-upgrade does.
void ReplaceAtomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  WriteFile(temp, content);
  std::filesystem::rename(temp, path);
}

class PlanWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(plan_.parent_path());
    WriteFile(plan_, "initial");
    auto loop = EventLoop::Create();
    ASSERT_TRUE(loop.ok()) << loop.status().message();
    loop_ = std::move(loop).value();
    // Safety net only: a missed change ends the loop with kTimedOut.
    loop_->After(30s, [this] { loop_->Exit(kTimedOut); });
  }

  /// Starts watching; every call is counted and may end the loop.
  void Watch(std::function<void()> also = {}) {
    auto watcher = PlanWatcher::Create(*loop_, plan_, [this, also] {
      ++calls_;
      if (also) also();
    });
    ASSERT_TRUE(watcher.ok()) << watcher.status().message();
    watcher_ = std::move(watcher).value();
  }

  TempDir dir_;
  std::filesystem::path plan_ = dir_ / "data/upgrade-plan.json";
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<PlanWatcher> watcher_;  // destroyed before the loop
  int calls_ = 0;
};

TEST_F(PlanWatcherTest, AtomicReplacementTriggersTheCallback) {
  Watch([this] { loop_->Exit(0); });
  ReplaceAtomically(plan_, "replaced");
  ASSERT_EQ(loop_->Run(), 0) << "no callback for a rename over the plan";
  EXPECT_EQ(calls_, 1);
}

TEST_F(PlanWatcherTest, InPlaceRewriteTriggersTheCallback) {
  Watch([this] { loop_->Exit(0); });
  std::ofstream(plan_, std::ios::trunc) << "rewritten";
  ASSERT_EQ(loop_->Run(), 0) << "no callback for a rewrite of the plan";
  EXPECT_EQ(calls_, 1);
}

TEST_F(PlanWatcherTest, QuickChangesFoldAndTheCallbackSeesTheLastOne) {
  constexpr int kChanges = 5;
  std::string seen;
  Watch([&] {
    seen = ReadFileOrDie(plan_);
    if (seen == std::to_string(kChanges)) loop_->Exit(0);
  });
  // All changes land before the loop first looks, so they arrive together.
  for (int i = 1; i <= kChanges; ++i) ReplaceAtomically(plan_, std::to_string(i));
  ASSERT_EQ(loop_->Run(), 0);
  EXPECT_EQ(seen, std::to_string(kChanges));
  EXPECT_GE(calls_, 1);
  EXPECT_LT(calls_, kChanges) << "changes that arrive together are folded";
}

TEST_F(PlanWatcherTest, OtherFilesInTheDirectoryDoNotTriggerIt) {
  bool plan_written = false;
  Watch([&] {
    if (plan_written) loop_->Exit(0);
  });
  ReplaceAtomically(plan_.parent_path() / "upgrade-history.json", "{}");
  WriteFile(plan_.parent_path() / "upgrade-plan.json.bak", "{}");
  WriteFile(plan_.parent_path() / "upgrade-state.json", "{}");
  // The pause only gives a wrong callback time to show up: a slow machine can
  // hide a bug here but cannot make a correct watcher fail. The plan write
  // then proves the watcher was live all along.
  loop_->After(500ms, [&] {
    plan_written = true;
    ReplaceAtomically(plan_, "replaced");
  });
  ASSERT_EQ(loop_->Run(), 0);
  EXPECT_EQ(calls_, 1) << "a file other than the plan triggered the callback";
}

TEST_F(PlanWatcherTest, CreateFailsWhenTheDirectoryIsMissing) {
  std::filesystem::path missing = dir_ / "missing";
  auto watcher = PlanWatcher::Create(*loop_, missing / "upgrade-plan.json", [] {});
  ASSERT_FALSE(watcher.ok());
  EXPECT_NE(watcher.status().message().find(missing.string()), std::string::npos)
      << watcher.status().message();
}

}  // namespace
}  // namespace nymvisor
