#ifndef NYMVISOR_AGENT_SHELL_STAGER_H_
#define NYMVISOR_AGENT_SHELL_STAGER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "agent/ports/file_system.h"
#include "agent/ports/hasher.h"
#include "agent/ports/host_facts.h"
#include "agent/ports/http_client.h"
#include "agent/ports/process_runner.h"
#include "agent/records/build_info.h"
#include "agent/records/layout.h"
#include "agent/records/upgrade_info.h"
#include "agent/shell/upstream_signatures.h"

namespace nymvisor {

/// One upgrade to prepare.
struct StageRequest {
  UpgradeInfo info;
  Layout layout;
  std::string platform;  ///< the host's platform (HostPlatform()), then "any"
  bool allow_download = true;
  bool enforce_checksum = true;
  Duration probe_timeout = std::chrono::seconds(30);
  uint64_t max_binary_bytes = uint64_t{1} << 30;
  /// The binary's `<url>.minisig`, when trusted keys are configured.
  SignatureSettings signatures = {};
  Timestamp now{};  ///< for the preflight's clock check
};

struct StagedBinary {
  BuildInfo build;
  bool downloaded = false;
  uint64_t bytes = 0;
};

/// Download progress: bytes so far and the total when the server said it.
/// Returning false cancels the download (it can be resumed later).
using StageProgress = std::function<bool(uint64_t done, std::optional<uint64_t> total)>;

/// Puts upgrades/<name>/bin/<daemon> in place and verifies it well before the
/// upgrade time, so no download or hashing happens while the node is down:
/// the body is hashed as it streams (one pass) into <daemon>.tmp, which a
/// restarted agent resumes with a Range request; the checksum and size are
/// checked, the file is synced, made executable and renamed into place; then
/// its build-info must match the upgrade record. Results:
///  - OK: staged and verified;
///  - NotFound: no binary yet and downloads are disabled (wait for add-upgrade);
///  - Unavailable: network trouble, try again later;
///  - Error: the upgrade can never be applied (bad checksum, wrong version...).
/// Blocking: runs on the worker thread.
class Stager {
 public:
  /// `host` (may be null: no preflight) answers the preflight's questions.
  Stager(HttpClient& http, FileSystem& files, ProcessRunner& probes, HasherFactory make_hasher,
         HostFacts* host = nullptr)
      : http_(http),
        files_(files),
        probes_(probes),
        make_hasher_(std::move(make_hasher)),
        host_(host) {}

  Result<StagedBinary> Stage(const StageRequest& request, const StageProgress& progress);

 private:
  Result<uint64_t> Download(const StageRequest& request, const DownloadUrl& source,
                            const StageProgress& progress);
  Result<BuildInfo> Verify(const StageRequest& request);
  /// decide/preflight.h on the staged binary, before it is first run.
  Status Preflight(const StageRequest& request, const std::filesystem::path& binary);
  /// Before the first byte of a download of `bytes` more into `dir`: the
  /// room it needs (decide/DecideDownloadRoom); Unavailable when short.
  Status CheckDownloadRoom(const StageRequest& request, const std::filesystem::path& dir,
                           uint64_t bytes);
  /// Writing the partial download `tmp` failed (a full disk, most likely):
  /// removes it and answers Unavailable, so the download is retried later.
  Status LocalWriteFailure(const std::filesystem::path& tmp, const Status& failure);
  /// The downloaded `file` may be used: its signature as `settings` ask.
  Status CheckSignature(const SignatureSettings& settings, const DownloadUrl& source,
                        const std::filesystem::path& file);

  HttpClient& http_;
  FileSystem& files_;
  ProcessRunner& probes_;  ///< runs staged binaries' build-info
  HasherFactory make_hasher_;
  HostFacts* host_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_STAGER_H_
