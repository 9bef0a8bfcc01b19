#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace nymvisor::testing {

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path()) {}

TempDir::TempDir(const std::filesystem::path& base) {
  std::string tmpl = (base / "nymvisor-test-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::filesystem::path& path, const std::string& content, int mode) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

void FakeProcessRunner::SetBuildInfo(const std::string& binary, const BuildInfo& info) {
  ProcessResult result;
  result.exit_code = 0;
  result.out = DumpJsonCompact(BuildInfoToJson(info)) + "\n";
  results_[binary] = result;
}

void FakeProcessRunner::SetResult(const std::string& binary, const ProcessResult& result) {
  results_[binary] = result;
}

void FakeProcessRunner::SetStartError(const std::string& binary, const std::string& error) {
  start_errors_[binary] = error;
}

Result<ProcessResult> FakeProcessRunner::Run(const std::vector<std::string>& argv, Duration, size_t,
                                             const std::vector<std::string>* env) {
  calls_.push_back(argv);
  envs_.push_back(env ? *env : std::vector<std::string>{});
  if (auto e = start_errors_.find(argv.at(0)); e != start_errors_.end()) {
    return Status::Error(e->second);
  }
  auto it = results_.find(argv.at(0));
  if (it == results_.end()) return Status::Error("cannot run " + argv[0] + ": No such file");
  return it->second;
}

/// Appends while FaultyFileSystem::append_room lasts, then fails as ENOSPC.
class RoomLimitedFile : public WritableFile {
 public:
  RoomLimitedFile(std::unique_ptr<WritableFile> file, fs::path path,
                  std::shared_ptr<std::optional<uint64_t>> room)
      : file_(std::move(file)), path_(std::move(path)), room_(std::move(room)) {}
  Status Append(std::string_view data) override {
    if (room_->has_value()) {
      if (data.size() > **room_) {
        return Status::Error("writing " + path_.string() + ": No space left on device");
      }
      **room_ -= data.size();
    }
    return file_->Append(data);
  }
  Status Sync() override { return file_->Sync(); }

 private:
  std::unique_ptr<WritableFile> file_;
  fs::path path_;
  std::shared_ptr<std::optional<uint64_t>> room_;
};

Status FaultyFileSystem::WriteFileAtomic(const fs::path& path, std::string_view content,
                                         mode_t mode) {
  if (fail_write && fail_write(path)) {
    return Status::Error("writing " + path.string() + ": No space left on device");
  }
  return RealFileSystem::WriteFileAtomic(path, content, mode);
}

Status FaultyFileSystem::CopyFile(const fs::path& from, const fs::path& to) {
  if (fail_write && fail_write(to)) {
    return Status::Error("writing " + to.string() + ": No space left on device");
  }
  return RealFileSystem::CopyFile(from, to);
}

Status FaultyFileSystem::ReplaceSymlink(const fs::path& link, const fs::path& target) {
  if (fail_write && fail_write(link)) {
    return Status::Error("creating symlink " + link.string() + ": No space left on device");
  }
  return RealFileSystem::ReplaceSymlink(link, target);
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::OpenForAppend(const fs::path& path,
                                                                      mode_t mode, bool truncate) {
  if (fail_write && fail_write(path)) {
    return Status::Error("writing " + path.string() + ": No space left on device");
  }
  NV_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                      RealFileSystem::OpenForAppend(path, mode, truncate));
  return std::unique_ptr<WritableFile>(new RoomLimitedFile(std::move(file), path, append_room));
}

Result<HttpResponse> FakeHttpClient::Get(const HttpRequest& request, const BodySink& sink) {
  requests.push_back(request);
  auto it = resources.find(request.url);
  if (it == resources.end()) return Status::Unavailable("GET " + request.url + ": no route");
  const Resource& r = it->second;
  HttpResponse response;
  response.status = r.status;
  response.etag = r.etag;
  response.headers = r.headers;
  if (request.rate_limit_is_an_answer && (r.status == 403 || r.status == 429)) return response;
  if (r.status != 200) {
    std::string message = "HTTP status " + std::to_string(r.status) + " from " + request.url;
    if (r.status == 304) return response;
    if (request.absent_is_an_answer && (r.status == 404 || r.status == 410)) return response;
    return r.status >= 500 ? Status::Unavailable(message) : Status::Error(message);
  }
  if (!request.if_none_match.empty() && request.if_none_match == r.etag) {
    response.status = 304;
    return response;
  }
  uint64_t from = r.honour_range ? std::min<uint64_t>(request.range_start, r.body.size()) : 0;
  if (from > 0) response.status = 206;
  response.total_size = r.announced_size.value_or(r.body.size());
  size_t end = r.fail_after_half.ok() ? r.body.size() : r.body.size() / 2;
  if (r.body.size() > request.max_bytes) {  // as the real client: cut off at the cap
    return Status::Refused(std::string(kTooLarge),
                           "response from " + request.url + " is larger than " +
                               std::to_string(request.max_bytes) + " bytes");
  }
  for (size_t at = from; at < end; at += 4096) {
    std::string_view piece = std::string_view(r.body).substr(at, std::min<size_t>(4096, end - at));
    NV_RETURN_IF_ERROR(sink(BodyChunk{piece, at, response.total_size}));
  }
  if (!r.fail_after_half.ok()) return r.fail_after_half;
  return response;
}

std::string FakeNodePath() { return FAKE_NODE_PATH; }

std::filesystem::path FixturesDir() { return FIXTURES_DIR; }

std::string StampFakeNode(const std::filesystem::path& out,
                          const std::map<std::string, std::string>& settings) {
  std::filesystem::create_directories(out.parent_path());
  std::string cmd = "'" + FakeNodePath() + "' stamp '" + out.string() + "'";
  for (const auto& [k, v] : settings) cmd += " --" + k + " '" + v + "'";
  if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "stamping failed: " << cmd;
  return out.string();
}

}  // namespace nymvisor::testing
