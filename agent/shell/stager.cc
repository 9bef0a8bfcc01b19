#include "agent/shell/stager.h"

#include <optional>

#include "agent/decide/elf_info.h"
#include "agent/decide/preflight.h"
#include "agent/shell/build_info_probe.h"

namespace nymvisor {
namespace {

/// The file being downloaded, with the hash of everything written so far.
class DownloadSink {
 public:
  DownloadSink(FileSystem& files, const HasherFactory& make_hasher, std::filesystem::path path,
               ChecksumAlgorithm algorithm)
      : files_(files),
        make_hasher_(make_hasher),
        path_(std::move(path)),
        algorithm_(algorithm),
        hasher_(make_hasher_(algorithm_)) {}

  /// Takes over a partial file left by an earlier attempt.
  Status Resume() {
    Result<FileInfo> info = files_.Stat(path_);
    if (info.ok() && info->type == FileInfo::Type::kRegular) {
      NV_RETURN_IF_ERROR(files_.ReadChunks(path_, [this](std::string_view data) {
        hasher_->Update(data);
        written_ += data.size();
        return Status();
      }));
      resumed_from_ = written_;
    }
    NV_ASSIGN_OR_RETURN(file_, files_.OpenForAppend(path_, 0644, /*truncate=*/written_ == 0));
    return {};
  }

  Status Write(const BodyChunk& chunk) {
    if (chunk.offset == 0 && written_ > 0) NV_RETURN_IF_ERROR(Restart());
    if (chunk.offset != written_) {
      return Status::Unavailable("download of " + path_.string() + " continued at byte " +
                                 std::to_string(chunk.offset) + ", expected " +
                                 std::to_string(written_));
    }
    NV_RETURN_IF_ERROR(file_->Append(chunk.data));
    hasher_->Update(chunk.data);
    written_ += chunk.data.size();
    return {};
  }

  uint64_t written() const { return written_; }
  uint64_t resumed_from() const { return resumed_from_; }
  std::string Digest() { return hasher_->FinalHex(); }
  Status Sync() { return file_->Sync(); }

 private:
  /// The server ignored the Range request and sent everything again.
  Status Restart() {
    NV_ASSIGN_OR_RETURN(file_, files_.OpenForAppend(path_, 0644, /*truncate=*/true));
    hasher_ = make_hasher_(algorithm_);
    written_ = 0;
    resumed_from_ = 0;
    return {};
  }

  FileSystem& files_;
  const HasherFactory& make_hasher_;
  std::filesystem::path path_;
  ChecksumAlgorithm algorithm_;
  std::unique_ptr<Hasher> hasher_;
  std::unique_ptr<WritableFile> file_;
  uint64_t written_ = 0;
  uint64_t resumed_from_ = 0;
};

HttpRequest DownloadRequest(const StageRequest& request, const DownloadUrl& source, uint64_t from) {
  HttpRequest http;
  http.url = source.url;
  http.range_start = from;
  http.max_bytes = request.max_binary_bytes;
  http.total_timeout = std::chrono::hours(2);
  return http;
}

Status CheckChecksum(const DownloadUrl& source, DownloadSink& sink, FileSystem& files,
                     const std::filesystem::path& tmp) {
  std::string actual = sink.Digest();
  if (source.checksum.empty() || actual == source.checksum) return {};
  NV_RETURN_IF_ERROR(files.RemoveAll(tmp));
  std::string message = "checksum mismatch for " + source.url + ": expected " +
                        std::string(ChecksumAlgorithmName(source.algorithm)) + " " +
                        source.checksum + ", got " + actual;
  // A resumed download may have kept a corrupt prefix: start over once more.
  if (sink.resumed_from() > 0) return Status::Unavailable(message + " (after resuming)");
  return Status::Error(message);
}

}  // namespace

Status Stager::LocalWriteFailure(const std::filesystem::path& tmp, const Status& failure) {
  // Most likely a full disk: the partial file goes, to give the space back,
  // and the download is tried again later (the caller backs off).
  Status removed = files_.RemoveAll(tmp);
  return Status::Unavailable(failure.message() + (removed.ok()
                                                      ? "; the partial download was removed"
                                                      : "; removing the partial download "
                                                        "failed too: " +
                                                            removed.message()));
}

Status Stager::CheckSignature(const SignatureSettings& settings, const DownloadUrl& source,
                              const std::filesystem::path& file) {
  if (!settings.enabled()) return {};
  NV_ASSIGN_OR_RETURN(SignatureEvidence evidence,
                      FetchFileSignature(http_, *settings.verifier, source.url, file));
  SignatureRules rules;
  rules.required = settings.required;
  rules.file_name = UrlFileName(source.url);
  SignatureDecision decision = DecideSignature(evidence, rules);
  if (decision.accept) return {};
  return Status::Error("refusing " + source.url + ": " + decision.reason);
}

Result<uint64_t> Stager::Download(const StageRequest& request, const DownloadUrl& source,
                                  const StageProgress& progress) {
  std::filesystem::path final_path = request.layout.UpgradeBinary(request.info.name);
  std::filesystem::path tmp = final_path;
  tmp += ".tmp";
  NV_RETURN_IF_ERROR(files_.CreateDirectories(final_path.parent_path(), 0755));
  DownloadSink sink(files_, make_hasher_, tmp, source.algorithm);
  Status written = sink.Resume();
  if (!written.ok()) return LocalWriteFailure(tmp, written);
  bool room_checked = false;
  Result<HttpResponse> response =
      http_.Get(DownloadRequest(request, source, sink.written()), [&](const BodyChunk& chunk) {
        if (!room_checked && chunk.total) {
          room_checked = true;
          uint64_t left = *chunk.total > chunk.offset ? *chunk.total - chunk.offset : 0;
          NV_RETURN_IF_ERROR(CheckDownloadRoom(request, final_path.parent_path(), left));
        }
        written = sink.Write(chunk);
        NV_RETURN_IF_ERROR(written);
        if (progress && !progress(sink.written(), chunk.total)) {
          return Status::Unavailable("download of " + source.url + " cancelled");
        }
        return Status();
      });
  if (!written.ok() && !written.IsUnavailable()) return LocalWriteFailure(tmp, written);
  if (!response.ok()) {
    // Keep a partial file only to resume it after passing trouble; one that
    // can never complete (a body over the cap, a refused redirect) goes.
    if (!response.status().IsUnavailable()) (void)files_.RemoveAll(tmp);
    if (response.status().reason() == kTooLarge) {
      return Status::Error(response.status().message() +
                           " (the limit is daemon.max_download_size_mib)");
    }
    return response.status();
  }
  if (response->total_size && *response->total_size != sink.written()) {
    NV_RETURN_IF_ERROR(files_.RemoveAll(tmp));
    return Status::Error("size mismatch for " + source.url + ": the server announced " +
                         std::to_string(*response->total_size) + " bytes, got " +
                         std::to_string(sink.written()));
  }
  NV_RETURN_IF_ERROR(CheckChecksum(source, sink, files_, tmp));
  if (Status synced = sink.Sync(); !synced.ok()) return LocalWriteFailure(tmp, synced);
  if (Status st = CheckSignature(request.signatures, source, tmp); !st.ok()) {
    NV_RETURN_IF_ERROR(files_.RemoveAll(tmp));
    return st;
  }
  NV_RETURN_IF_ERROR(files_.SetMode(tmp, 0755));
  NV_RETURN_IF_ERROR(files_.Rename(tmp, final_path));
  return sink.written();
}

Status Stager::CheckDownloadRoom(const StageRequest& request, const std::filesystem::path& dir,
                                 uint64_t bytes) {
  if (host_ == nullptr) return {};
  Result<FilesystemFacts> staging = host_->Filesystem(dir);
  if (!staging.ok()) return {};  // the download itself will say what is wrong
  DownloadRoom room;
  room.download_bytes = bytes;
  room.staging_free = staging->free_bytes;
  Result<FilesystemFacts> backups = host_->Filesystem(request.layout.backup_dir);
  room.backup_on_staging_filesystem = backups.ok() && backups->id == staging->id;
  if (room.backup_on_staging_filesystem) {
    room.backup_bytes = host_->TreeBytes(request.layout.home, request.layout.nymvisor_dir);
  }
  Status st = DecideDownloadRoom(room);
  // Space may be freed: tried again later (with the backoff), not refused.
  return st.ok() ? st : Status::Unavailable(st.message());
}

Status Stager::Preflight(const StageRequest& request, const std::filesystem::path& binary) {
  if (host_ == nullptr) return {};
  NV_ASSIGN_OR_RETURN(std::string bytes, files_.ReadFile(binary));
  // A script runs wherever its interpreter does: only that is checked of it.
  std::optional<std::string> script = ScriptInterpreter(bytes);
  Result<ElfInfo> elf =
      script ? Result<ElfInfo>(ElfInfo{host_->Machine(), *script, std::nullopt}) : ParseElf(bytes);
  if (!elf.ok()) return elf.status().WithContext("preflight: " + binary.string());
  HostView view;
  view.machine = host_->Machine();
  view.interpreter_exists = elf->interpreter.empty() || host_->Exists(elf->interpreter);
  view.glibc = host_->Glibc();
  NV_ASSIGN_OR_RETURN(FilesystemFacts staging, host_->Filesystem(binary.parent_path()));
  view.staging_noexec = staging.noexec;
  Result<FilesystemFacts> backups = host_->Filesystem(request.layout.backup_dir);
  if (backups.ok()) view.backup_free_bytes = backups->free_bytes;
  view.backup_needed_bytes = host_->TreeBytes(request.layout.home, request.layout.nymvisor_dir);
  view.now = request.now;
  return DecidePreflight(*elf, view, request.info.publish_date);
}

Result<BuildInfo> Stager::Verify(const StageRequest& request) {
  std::string binary = request.layout.UpgradeBinary(request.info.name).string();
  NV_RETURN_IF_ERROR(Preflight(request, binary));
  Result<BuildInfo> build = ProbeBuildInfo(probes_, binary, request.probe_timeout);
  if (!build.ok()) return build.status();
  NV_RETURN_IF_ERROR(CheckBinaryMatchesRecord(request.info, *build));
  return build;
}

Result<StagedBinary> Stager::Stage(const StageRequest& request, const StageProgress& progress) {
  const UpgradeInfo& info = request.info;
  std::filesystem::path final_path = request.layout.UpgradeBinary(info.name);
  Result<std::string> current = files_.ReadSymlink(request.layout.CurrentLink());
  if (current.ok() && std::filesystem::path(*current) == request.layout.UpgradeDir(info.name)) {
    return Status::Error("upgrade '" + info.name + "' is the version running now; its binary " +
                         "is not touched");
  }
  StagedBinary staged;
  if (!Exists(files_, final_path)) {
    if (!request.allow_download) {
      return Status::NotFound("no binary at " + final_path.string() +
                              " and downloads are disabled; provide it with 'nymvisor "
                              "add-upgrade <binary> --upgrade-name " +
                              info.name + " --add-binary'");
    }
    NV_ASSIGN_OR_RETURN(DownloadUrl source, SelectDownload(info, request.platform));
    if (request.enforce_checksum && source.checksum.empty()) {
      return Status::Error("upgrade '" + info.name + "' has no checksum for " + source.url +
                           " and checksums are enforced");
    }
    NV_ASSIGN_OR_RETURN(staged.bytes, Download(request, source, progress));
    staged.downloaded = true;
  }
  Result<BuildInfo> build = Verify(request);
  if (!build.ok()) {
    NV_RETURN_IF_ERROR(files_.RemoveAll(final_path));  // never leave an unusable binary
    return build.status();
  }
  staged.build = std::move(build).value();
  return staged;
}

}  // namespace nymvisor
