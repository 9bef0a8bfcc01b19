// Staging (shell/stager.h) driven by the agent: a download and check on
// the fetch lane, its progress in the status, and retries after passing
// failures.
#include <algorithm>
#include <cstdint>

#include "agent/base/message_ids.h"
#include "agent/shell/agent.h"

namespace nymvisor {
namespace {

constexpr Duration kBinaryRecheck = std::chrono::seconds(30);  // a binary not there yet

}  // namespace

void Agent::StartStaging(const UpgradeInfo& info) {
  stages_[info.name] = {StageStatus::kInProgress, ""};
  StageRequest request{
      .info = info,
      .layout = layout_,
      .platform = deps_.platform,
      .allow_download = config_.daemon.allow_binaries_download,
      .enforce_checksum = config_.daemon.enforce_download_checksum,
      // Saturates: a limit past 2^64 bytes is no limit.
      .max_binary_bytes = std::min<uint64_t>(config_.daemon.max_download_size_mib, UINT64_MAX >> 20)
                          << 20,
      .signatures = signatures_,
      .now = deps_.clock.Now()};
  auto result = std::make_shared<Result<StagedBinary>>(Status::Error("not staged"));
  auto stopping = stopping_;
  auto last_percent = std::make_shared<int>(-1);
  auto progress = [this, stopping, last_percent, name = info.name](uint64_t done,
                                                                   std::optional<uint64_t> total) {
    int percent = total && *total > 0 ? static_cast<int>(done * 100 / *total) : -1;
    if (percent != *last_percent) {
      *last_percent = percent;
      deps_.fetch_worker.RunOnMain([this, name, percent, done] {
        download_ = name;
        download_percent_ = percent >= 0 ? std::optional<uint32_t>(percent) : std::nullopt;
        download_bytes_ = done;
        Publish();
      });
    }
    return !stopping->load();
  };
  deps_.fetch_worker.Post(
      [this, request, result, progress] { *result = stager_.Stage(request, progress); },
      [this, result, name = info.name] { OnStaged(name, *result); });
}

void Agent::OnStaged(const std::string& name, const Result<StagedBinary>& result) {
  download_.clear();
  download_percent_.reset();
  if (*stopping_) return;
  Result<UpgradePlan> plan = records_.LoadPlan();
  const UpgradeInfo* info = plan.ok() ? FindQueuedByName(*plan, name) : nullptr;
  if (info == nullptr) return Reconcile();
  if (result.ok()) {
    stage_failures_.erase(name);
    stages_[name] = {StageStatus::kStaged, ""};
    staged_builds_[name] = result->build;
    deps_.log.Event(
        LogPriority::kNotice, message_ids::kUpgradeStaged,
        "upgrade " + name + " staged: " + info->version + " verified" +
            (result->downloaded ? " after downloading " + std::to_string(result->bytes) + " bytes"
                                : ""),
        UpgradeEventFields(*info));
  } else if (result.status().IsNotFound() || result.status().IsUnavailable()) {
    if (result.status().IsNotFound()) {
      stages_[name] = {StageStatus::kWaitingForBinary, result.status().message()};
      RetryStagingAfter(name, kBinaryRecheck);
    } else {
      RetryStagingLater(name, "staging " + name, result.status().message());
    }
  } else {
    stages_[name] = {StageStatus::kFailed, result.status().message()};
    last_error_ = "staging " + name + ": " + result.status().message();
  }
  Reconcile();
}

void Agent::RetryStagingLater(const std::string& name, const std::string& what,
                              const std::string& why) {
  uint32_t failures = ++stage_failures_[name];
  Duration delay = StagingRetryDelay(failures);
  stages_[name] = {StageStatus::kInProgress, why};
  deps_.log.Warning(what + " failed (" + std::to_string(failures) + " time" +
                    (failures == 1 ? "" : "s") + " in a row), tried again in " +
                    FormatDuration(delay) + ": " + why);
  RetryStagingAfter(name, delay);
}

void Agent::RetryStagingAfter(const std::string& name, Duration delay) {
  if (retry_timer_ != 0) deps_.scheduler.Cancel(retry_timer_);
  retry_timer_ = deps_.scheduler.After(delay, [this, name] {
    retry_timer_ = 0;
    stages_.erase(name);
    Reconcile();
  });
}

}  // namespace nymvisor
