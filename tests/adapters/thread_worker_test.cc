#include "agent/adapters/thread_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "agent/ports/worker.h"

namespace nymvisor {
namespace {

using namespace std::chrono_literals;

constexpr int kTimedOut = 99;

class ThreadWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Create();
    ASSERT_TRUE(loop.ok()) << loop.status().message();
    loop_ = std::move(loop).value();
    auto worker = ThreadWorker::Create(*loop_);
    ASSERT_TRUE(worker.ok()) << worker.status().message();
    worker_ = std::move(worker).value();
    // Safety net only: a hang ends the loop with kTimedOut instead of blocking ctest.
    loop_->After(30s, [this] { loop_->Exit(kTimedOut); });
  }

  const std::thread::id main_ = std::this_thread::get_id();
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<ThreadWorker> worker_;  // destroyed before the loop it watches from
};

TEST_F(ThreadWorkerTest, JobRunsOffTheMainThreadAndDoneRunsOnIt) {
  std::thread::id job_thread;
  std::thread::id done_thread;
  bool job_ran_before_done = false;
  worker_->Post([&] { job_thread = std::this_thread::get_id(); },
                [&] {
                  done_thread = std::this_thread::get_id();
                  job_ran_before_done = job_thread != std::thread::id();
                  loop_->Exit(0);
                });
  ASSERT_EQ(loop_->Run(), 0);
  EXPECT_NE(job_thread, main_);
  EXPECT_EQ(done_thread, main_);
  EXPECT_TRUE(job_ran_before_done);
}

TEST_F(ThreadWorkerTest, JobsRunOneAtATimeInOrder) {
  constexpr int kJobs = 20;
  std::mutex mu;
  std::vector<int> ran;  // GUARDED_BY(mu)
  std::set<std::thread::id> job_threads;
  std::atomic<int> active{0};
  std::atomic<bool> overlapped{false};
  std::vector<int> done_order;  // main thread only
  bool done_off_main = false;
  for (int i = 0; i < kJobs; ++i) {
    worker_->Post(
        [&, i] {
          if (active.fetch_add(1) != 0) overlapped = true;
          std::this_thread::yield();
          {
            std::lock_guard<std::mutex> lock(mu);
            ran.push_back(i);
            job_threads.insert(std::this_thread::get_id());
          }
          active.fetch_sub(1);
        },
        [&, i] {
          done_order.push_back(i);
          done_off_main |= std::this_thread::get_id() != main_;
          if (i == kJobs - 1) loop_->Exit(0);
        });
  }
  ASSERT_EQ(loop_->Run(), 0);
  std::vector<int> want(kJobs);
  for (int i = 0; i < kJobs; ++i) want[i] = i;
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(ran, want);
  EXPECT_EQ(done_order, want);
  EXPECT_FALSE(overlapped) << "two jobs ran at the same time";
  EXPECT_FALSE(done_off_main);
  EXPECT_EQ(job_threads.size(), 1u);
  EXPECT_EQ(job_threads.count(main_), 0u);
}

TEST_F(ThreadWorkerTest, RunOnMainFromAnotherThreadRunsOnTheMainThread) {
  std::thread::id ran_on;
  std::thread other([&] {
    worker_->RunOnMain([&] {
      ran_on = std::this_thread::get_id();
      loop_->Exit(0);
    });
  });
  EXPECT_EQ(loop_->Run(), 0);
  other.join();
  EXPECT_EQ(ran_on, main_);
}

TEST_F(ThreadWorkerTest, RunOnMainFromManyThreadsDeliversEveryCall) {
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 25;
  int calls = 0;  // main thread only
  bool off_main = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCallsEach; ++i) {
        worker_->RunOnMain([&] {
          off_main |= std::this_thread::get_id() != main_;
          if (++calls == kThreads * kCallsEach) loop_->Exit(0);
        });
      }
    });
  }
  EXPECT_EQ(loop_->Run(), 0);
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls, kThreads * kCallsEach);
  EXPECT_FALSE(off_main);
}

TEST_F(ThreadWorkerTest, DestructorFinishesTheRunningJob) {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> finished{false};
  worker_->Post(
      [&] {
        started.set_value();
        gate.wait();
        finished = true;
      },
      [] {});
  started.get_future().wait();
  // Let the destructor start waiting before the job may end; the sleep only
  // makes that ordering likely, the assertion holds either way.
  std::thread releaser([&] {
    std::this_thread::sleep_for(10ms);
    release.set_value();
  });
  worker_.reset();
  releaser.join();
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace nymvisor
