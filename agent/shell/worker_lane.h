#ifndef NYMVISOR_AGENT_SHELL_WORKER_LANE_H_
#define NYMVISOR_AGENT_SHELL_WORKER_LANE_H_

#include <functional>
#include <utility>

#include "agent/ports/worker.h"

namespace nymvisor {

/// A Worker known by the lane it serves. The agent runs two workers, one for
/// backups and one for fetches, and a swap would compile as long as both
/// were plain `Worker&`: a backup would then queue behind a download that
/// trickles for minutes while the node is down. As distinct types the lanes
/// cannot be swapped: one lane never converts to the other, and a bare Worker
/// becomes a lane only by naming it (`BackupLane(worker)`). A lane is still a
/// Worker, so code that needs one job queue takes it as `Worker&`. Holds a
/// reference: the worker must outlive the lane. Same threads as the worker.
template <typename Tag>
class WorkerLane final : public Worker {
 public:
  explicit WorkerLane(Worker& worker) : worker_(&worker) {}

  void Post(std::function<void()> job, std::function<void()> done) override {
    worker_->Post(std::move(job), std::move(done));
  }
  void RunOnMain(std::function<void()> fn) override { worker_->RunOnMain(std::move(fn)); }

 private:
  Worker* worker_;
};

/// Backups, restores and pruning: the node may be down while they run.
using BackupLane = WorkerLane<struct BackupLaneTag>;
/// Polls and downloads, which may trickle for minutes.
using FetchLane = WorkerLane<struct FetchLaneTag>;

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_WORKER_LANE_H_
