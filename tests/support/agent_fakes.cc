#include "tests/support/agent_fakes.h"

#include <algorithm>
#include <utility>

namespace nymvisor::testing {

Status FakeSystemdManager::Subscribe() {
  subscribed = true;
  calls.push_back("subscribe");
  return {};
}

Status FakeSystemdManager::Reload() {
  calls.push_back("reload");
  return {};
}

Result<std::string> FakeSystemdManager::Queue(const std::string& verb, const std::string& unit) {
  calls.push_back(verb + " " + unit);
  if (!fail_next_job.ok()) {
    Status st = fail_next_job;
    fail_next_job = Status();
    return st;
  }
  std::string job = "/org/freedesktop/systemd1/job/" + std::to_string(next_job_++);
  pending.emplace_back(job, verb + " " + unit);
  return job;
}

Result<std::string> FakeSystemdManager::StartUnit(const std::string& unit) {
  return Queue("start", unit);
}

Result<std::string> FakeSystemdManager::StopUnit(const std::string& unit) {
  return Queue("stop", unit);
}

Status FakeSystemdManager::ResetFailedUnit(const std::string& unit) {
  calls.push_back("reset-failed " + unit);
  return {};
}

Status FakeSystemdManager::WatchUnit(const std::string& unit) {
  calls.push_back("watch " + unit);
  units[unit].load_state = "loaded";
  return {};
}

Result<UnitState> FakeSystemdManager::GetUnitState(const std::string& unit) {
  auto it = units.find(unit);
  if (it == units.end()) return Status::Error("no such unit " + unit);
  return it->second;
}

void FakeSystemdManager::Finish(const std::string& result) {
  if (pending.empty()) return;
  auto [job, what] = pending.front();
  pending.pop_front();
  bool start = what.starts_with("start ");
  std::string unit = what.substr(what.find(' ') + 1);
  UnitState& u = units[unit];
  u.load_state = "loaded";
  std::string ended = result;
  if (result == "done" && start) {
    if (!Launch(unit)) ended = "failed";
  } else if (result == "done") {
    u.active_state = ActiveState::kInactive;
    u.sub_state = "dead";
    u.active_exit_usec = u.active_enter_usec + 500'000;
  } else if (start) {
    u.active_state = ActiveState::kFailed;
    u.sub_state = "failed";
  }
  if (events_.job_removed) events_.job_removed(job, unit, ended);
}

bool FakeSystemdManager::Launch(const std::string& unit) {
  UnitState& u = units[unit];
  bool was_up = u.active_state == ActiveState::kActive;
  if (!was_up && may_start && !may_start(unit)) {
    u.active_state = ActiveState::kFailed;
    u.sub_state = "failed";
    return false;
  }
  u.active_state = ActiveState::kActive;
  u.sub_state = "running";
  u.active_enter_usec += 1'000'000;
  if (!was_up && on_started) on_started(unit);
  return true;
}

void FakeSystemdManager::PowerCut() {
  pending.clear();
  for (auto& [name, u] : units) {
    u.active_state = ActiveState::kInactive;
    u.sub_state = "dead";
  }
}

void FakeSystemdManager::Boot() {
  calls.push_back("boot");
  for (const std::string& unit : enabled) {
    units[unit].load_state = "loaded";
    Launch(unit);
  }
}

std::string FakeSystemdManager::OperatorJob(const std::string& verb, const std::string& unit) {
  std::string job = "/org/freedesktop/systemd1/job/" + std::to_string(next_job_++);
  pending.emplace_back(job, verb + " " + unit);
  if (events_.job_new) events_.job_new(job, unit);
  return job;
}

void FakeSystemdManager::Change(const std::string& unit,
                                const std::function<void(UnitState&)>& edit) {
  edit(units[unit]);
  if (events_.unit_changed) events_.unit_changed(unit, units[unit]);
}

Scheduler::TimerId FakeScheduler::After(Duration delay, Callback cb) {
  return At(clock_.Now() + delay, std::move(cb));
}

Scheduler::TimerId FakeScheduler::At(Timestamp when, Callback cb) {
  timers_[next_] = {when, std::move(cb)};
  return next_++;
}

void FakeScheduler::Cancel(TimerId id) { timers_.erase(id); }

void FakeScheduler::Advance(Duration d) {
  Timestamp end = clock_.Now() + d;
  while (true) {
    auto due = timers_.end();
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->second.first <= end &&
          (due == timers_.end() || it->second.first < due->second.first)) {
        due = it;
      }
    }
    if (due == timers_.end()) break;
    if (due->second.first > clock_.Now()) clock_.Set(due->second.first);
    Callback cb = std::move(due->second.second);
    timers_.erase(due);
    cb();
  }
  clock_.Set(end);
}

void ManualWorker::Post(std::function<void()> job, std::function<void()> done) {
  if (inline_jobs) {
    job();
    done();
    return;
  }
  jobs_.emplace_back(std::move(job), std::move(done));
}

void ManualWorker::RunAll() {
  while (!jobs_.empty()) {
    auto next = std::move(jobs_.front());
    jobs_.pop_front();
    next.first();
    next.second();
  }
}

Status FakeBackupStore::PreCopy(const std::string& upgrade_name) {
  calls.push_back("pre-copy " + upgrade_name);
  return fail_pre_copy;
}

Result<std::filesystem::path> FakeBackupStore::Create(const std::string& upgrade_name) {
  calls.push_back("create " + upgrade_name);
  if (!fail_create.ok()) return fail_create;
  std::string dir = "/backups/" + upgrade_name + "/";
  size_t n = 1;
  for (const auto& [path, data] : backups) n += path.string().starts_with(dir);
  std::filesystem::path made(dir + "backup-" + std::to_string(n) + "-preupgrade");
  backups.emplace_back(made, home);
  return made;
}

Status FakeBackupStore::Restore(const std::filesystem::path& backup) {
  calls.push_back("restore " + backup.string());
  if (!fail_restore.ok()) return fail_restore;
  for (const auto& [path, data] : backups) {
    if (path == backup) home = data;
  }
  return {};
}

Status FakeBackupStore::Prune(uint32_t keep, const std::vector<std::filesystem::path>& protect) {
  calls.push_back("prune " + std::to_string(keep));
  if (!fail_prune.ok()) return fail_prune;
  size_t excess = backups.size() > keep ? backups.size() - keep : 0;
  std::vector<std::pair<std::filesystem::path, std::string>> kept;
  for (size_t i = 0; i < backups.size(); ++i) {
    bool stays =
        i >= excess || std::find(protect.begin(), protect.end(), backups[i].first) != protect.end();
    if (stays) kept.push_back(backups[i]);
  }
  backups = std::move(kept);
  return {};
}

bool FakeBackupStore::IsComplete(const std::filesystem::path& backup) {
  for (const auto& [path, data] : backups) {
    if (path == backup) return true;
  }
  for (const auto& [name, path] : latest) {
    if (path == backup) return true;
  }
  return false;
}

Status FakeBackupStore::DiscardPreCopy() {
  calls.push_back("discard-pre-copy");
  return {};
}

Result<bool> FakeBackupStore::HomeMatches(const std::filesystem::path& backup) {
  calls.push_back("home-matches " + backup.string());
  return home_matches;
}

std::vector<std::string> FakeBackupStore::TakeNotes() { return std::exchange(notes, {}); }

Result<std::filesystem::path> FakeBackupStore::Latest(const std::string& upgrade_name) {
  for (auto b = backups.rbegin(); b != backups.rend(); ++b) {
    if (b->first.parent_path() == "/backups/" + upgrade_name) return b->first;
  }
  auto it = latest.find(upgrade_name);
  if (it == latest.end()) return Status::NotFound("no backup of " + upgrade_name);
  return it->second;
}

}  // namespace nymvisor::testing
