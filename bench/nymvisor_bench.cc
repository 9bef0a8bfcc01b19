// nymvisor-bench: the agent's own code paths on real data, timed, for
// bench/run_bench.py (which runs it inside the real-systemd container and
// times the baselines next to it). Prints one JSON object per figure.
//
//   nymvisor-bench backup HOME WORK     B2: first, incremental and pre-copied
//                                       backups of HOME, restores verified
//   nymvisor-bench idle-delta HOME WORK the delta after the stop when nothing changed
//   nymvisor-bench stage URL SHA256 DIR B3: the Stager's download + verify
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/adapters/curl_http_client.h"
#include "agent/adapters/directory_backup_store.h"
#include "agent/adapters/openssl_hasher.h"
#include "agent/adapters/posix_process_runner.h"
#include "agent/adapters/real_file_system.h"
#include "agent/adapters/system_clock.h"
#include "agent/config/config.h"
#include "agent/records/layout.h"
#include "agent/shell/stager.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Emit(const std::string& figure, double seconds, const CopyStats* stats = nullptr) {
  nlohmann::json out = {{"figure", figure}, {"seconds", seconds}};
  if (stats) {
    out["bytes_written"] = stats->bytes_written;
    out["files_copied"] = stats->files_copied;
    out["files_patched"] = stats->files_patched;
    out["files_linked"] = stats->files_linked;
    out["files_unchanged"] = stats->files_unchanged;
  }
  std::cout << out.dump() << std::endl;
}

/// The type and mode of every entry, and the size and SHA-256 of every file.
std::map<std::string, std::string> Digest(const stdfs::path& root) {
  std::map<std::string, std::string> out;
  RealFileSystem files;
  for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::end(it); ++it) {
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string line = std::to_string(st.st_mode);
    if (S_ISREG(st.st_mode)) {
      line += " " + std::to_string(st.st_size);
      OpenSslHasher hasher(ChecksumAlgorithm::kSha256);
      (void)files.ReadChunks(it->path(), [&](std::string_view data) {
        hasher.Update(data);
        return Status();
      });
      line += " " + hasher.FinalHex();
    }
    out[it->path().lexically_relative(root).string()] = line;
  }
  return out;
}

/// Overwrites 1% of the home: scattered 64 KiB blocks of every file of 1 MiB
/// or more, and every hundredth small file.
void ChangeOnePercent(const stdfs::path& home, int round) {
  std::string block(64 << 10, static_cast<char>('A' + round));
  int small = 0;
  for (const auto& entry : stdfs::recursive_directory_iterator(home)) {
    if (!entry.is_regular_file()) continue;
    uintmax_t size = entry.file_size();
    int fd = ::open(entry.path().c_str(), O_WRONLY);
    if (fd < 0) continue;
    if (size >= (1 << 20)) {
      uintmax_t blocks = size / block.size(), change = std::max<uintmax_t>(1, blocks / 100);
      for (uintmax_t i = 0; i < change; ++i) {
        (void)!::pwrite(fd, block.data(), block.size(), (i * 100 + round) % blocks * block.size());
      }
    } else if (small++ % 100 == 0) {
      (void)!::pwrite(fd, block.data(), std::min<uintmax_t>(size, 16), 0);
    }
    ::close(fd);
  }
}

bool Verified(const stdfs::path& home, const stdfs::path& backup) {
  return Digest(home) == Digest(backup);
}

int Fail(const Status& st) {
  std::cerr << "nymvisor-bench: " << st.message() << "\n";
  return 1;
}

int BenchBackup(const stdfs::path& home, const stdfs::path& work) {
  SystemClock clock;
  DirectoryBackupStore store(home, work / "backups", {}, clock);
  auto start = Clock::now();
  Result<stdfs::path> first = store.Create("first");
  if (!first.ok()) return Fail(first.status());
  Emit("first backup", SecondsSince(start), &store.last_stats());
  auto at_first = Digest(home);
  ChangeOnePercent(home, 1);
  start = Clock::now();
  Result<stdfs::path> second = store.Create("second");
  if (!second.ok()) return Fail(second.status());
  Emit("incremental backup (1% changed)", SecondsSince(start), &store.last_stats());
  if (!Verified(home, *second)) return Fail(Status::Error("the second backup differs"));
  // The agent's way: copy while the node runs, then the delta after the stop.
  start = Clock::now();
  if (Status st = store.PreCopy("third"); !st.ok()) return Fail(st);
  Emit("pre-copy (node running)", SecondsSince(start), &store.last_stats());
  ChangeOnePercent(home, 2);
  start = Clock::now();
  Result<stdfs::path> third = store.Create("third");
  if (!third.ok()) return Fail(third.status());
  Emit("delta after the stop (1% changed)", SecondsSince(start), &store.last_stats());
  if (!Verified(home, *third)) return Fail(Status::Error("the pre-copied backup differs"));
  // A rollback to the first backup: only what differs is rewritten.
  start = Clock::now();
  if (Status st = store.Restore(*first); !st.ok()) return Fail(st);
  Emit("restore (2% differs)", SecondsSince(start), &store.last_stats());
  if (Digest(home) != at_first) return Fail(Status::Error("the restore is not byte-identical"));
  std::cout << nlohmann::json({{"verified", true}}).dump() << std::endl;
  return 0;
}

/// The delta after the stop when nothing changed since the pre-copy: the
/// floor of what backing-up adds to the downtime.
int BenchIdleDelta(const stdfs::path& home, const stdfs::path& work) {
  SystemClock clock;
  DirectoryBackupStore store(home, work / "backups", {}, clock);
  if (Status st = store.PreCopy("idle"); !st.ok()) return Fail(st);
  ::sleep(2);
  auto start = Clock::now();
  Result<stdfs::path> backup = store.Create("idle");
  if (!backup.ok()) return Fail(backup.status());
  Emit("delta after the stop (nothing changed)", SecondsSince(start), &store.last_stats());
  return 0;
}

int BenchStage(const std::string& url, const std::string& sha256, const stdfs::path& dir) {
  Config config = DefaultConfig("nym-node");
  config.daemon.home = dir;
  StageRequest request;
  request.info.name = "bench";
  request.info.version = "1.2.0";
  request.info.platforms["linux-x86_64"] = {sha256, ChecksumAlgorithm::kSha256, url};
  request.layout = MakeLayout(config);
  request.platform = "linux-x86_64";
  request.max_binary_bytes = uint64_t{1} << 30;
  request.now = SystemClock().Now();
  CurlHttpClient http;
  RealFileSystem files;
  PosixProcessRunner probes("");
  Stager stager(http, files, probes, MakeOpenSslHasher);
  auto start = Clock::now();
  Result<StagedBinary> staged =
      stager.Stage(request, [](uint64_t, std::optional<uint64_t>) { return true; });
  if (!staged.ok()) return Fail(staged.status());
  Emit("download + verify (stager)", SecondsSince(start));
  return 0;
}

}  // namespace
}  // namespace nymvisor

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "backup") return nymvisor::BenchBackup(args[1], args[2]);
  if (args.size() == 3 && args[0] == "idle-delta") {
    return nymvisor::BenchIdleDelta(args[1], args[2]);
  }
  if (args.size() == 4 && args[0] == "stage")
    return nymvisor::BenchStage(args[1], args[2], args[3]);
  std::cerr << "usage: nymvisor-bench backup|idle-delta HOME WORK | stage URL SHA256 DIR\n";
  return 2;
}
