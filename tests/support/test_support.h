#ifndef NYMVISOR_TESTS_SUPPORT_TEST_SUPPORT_H_
#define NYMVISOR_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/adapters/real_file_system.h"
#include "agent/config/env_overrides.h"
#include "agent/ports/clock.h"
#include "agent/ports/file_system.h"
#include "agent/ports/http_client.h"
#include "agent/ports/journal.h"
#include "agent/ports/process_runner.h"
#include "agent/records/build_info.h"
#include "tests/support/values.h"

namespace nymvisor::testing {

/// A fresh directory under the test temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir();
  /// A directory made under `base` (another filesystem than the default's).
  explicit TempDir(const std::filesystem::path& base);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

/// Writes `content` to `path`, creating parent directories.
void WriteFile(const std::filesystem::path& path, const std::string& content, int mode = 0644);

/// A clock that returns whatever the test sets.
class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp now) : now_(now) {}
  Timestamp Now() override { return now_; }
  void Set(Timestamp t) { now_ = t; }
  void Advance(Duration d) { now_ += d; }

 private:
  Timestamp now_;
};

/// Answers build-info for known binaries with canned results and records calls.
class FakeProcessRunner : public ProcessRunner {
 public:
  /// Makes `binary` answer build-info with `info`.
  void SetBuildInfo(const std::string& binary, const BuildInfo& info);
  /// Makes `binary` end as `result` describes.
  void SetResult(const std::string& binary, const ProcessResult& result);
  /// Makes `binary` fail to start with `error`.
  void SetStartError(const std::string& binary, const std::string& error);
  Result<ProcessResult> Run(const std::vector<std::string>& argv, Duration timeout,
                            size_t max_output = kDefaultMaxOutput,
                            const std::vector<std::string>* env = nullptr) override;
  const std::vector<std::vector<std::string>>& calls() const { return calls_; }
  /// The environment each call was given (empty when it inherited ours).
  const std::vector<std::vector<std::string>>& envs() const { return envs_; }

 private:
  std::map<std::string, ProcessResult> results_;
  std::map<std::string, std::string> start_errors_;
  std::vector<std::vector<std::string>> calls_;
  std::vector<std::vector<std::string>> envs_;
};

/// The real filesystem with hooks: a test sets `fail_write` to make writes to
/// matching paths fail, as a full disk would, or `append_room` to let appends
/// write only that many bytes in all before they fail.
class FaultyFileSystem : public RealFileSystem {
 public:
  std::function<bool(const fs::path&)> fail_write;
  std::shared_ptr<std::optional<uint64_t>> append_room =
      std::make_shared<std::optional<uint64_t>>();
  Status WriteFileAtomic(const fs::path& path, std::string_view content, mode_t mode) override;
  Status CopyFile(const fs::path& from, const fs::path& to) override;
  /// Fails like a full disk when `fail_write` matches the link.
  Status ReplaceSymlink(const fs::path& link, const fs::path& target) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const fs::path& path, mode_t mode,
                                                      bool truncate) override;
};

/// Serves canned bodies by URL, honouring Range like a real server, in chunks.
class FakeHttpClient : public HttpClient {
 public:
  struct Resource {
    long status = 200;
    std::string body;
    bool honour_range = true;
    std::string etag;
    std::optional<uint64_t> announced_size;      ///< a Content-Length that lies
    Status fail_after_half;                      ///< deliver half, then return this
    std::map<std::string, std::string> headers;  ///< response headers, lower-case names
  };
  std::map<std::string, Resource> resources;
  std::vector<HttpRequest> requests;

  Result<HttpResponse> Get(const HttpRequest& request, const BodySink& sink) override;
};

/// Keeps every journal entry, with "file:line" of where it was logged.
class RecordingJournal : public Journal {
 public:
  void Send(const JournalEntry& entry, const std::source_location& where) override {
    entries.push_back(entry);
    locations.push_back(std::string(where.file_name()) + ":" + std::to_string(where.line()));
  }
  std::vector<JournalEntry> entries;
  std::vector<std::string> locations;
};

/// Path of the fake-node test binary and the fixtures directory.
std::string FakeNodePath();
std::filesystem::path FixturesDir();

/// Runs `fake-node stamp out --key value...` to make a fake node with settings.
std::string StampFakeNode(const std::filesystem::path& out,
                          const std::map<std::string, std::string>& settings);

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_TEST_SUPPORT_H_
