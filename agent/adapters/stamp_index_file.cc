#include "agent/adapters/stamp_index_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

namespace nymvisor {

namespace {

nlohmann::json ToJson(const StampIndex& index) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [path, s] : index.files) {
    files.push_back({path, s.dev, s.ino, s.size, s.mtime_ns, s.ctime_ns});
  }
  return {{"takenAtNs", index.taken_at_ns}, {"files", std::move(files)}};
}

Status WriteAll(int fd, const std::string& text, const std::filesystem::path& path) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("writing", path);
    done += n;
  }
  return {};
}

}  // namespace

Status SaveStampIndex(const std::filesystem::path& path, const StampIndex& index) {
  std::string text = ToJson(index).dump();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("creating", path);
  Status st = WriteAll(fd, text, path);
  if (st.ok() && ::fsync(fd) != 0) st = Errno("syncing", path);
  if (::close(fd) != 0 && st.ok()) st = Errno("closing", path);
  return st;
}

Result<StampIndex> LoadStampIndex(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::NotFound("no index " + path.string());
  std::string text;
  char buffer[1 << 16];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, n);
  }
  ::close(fd);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json["files"].is_array() || !json["takenAtNs"].is_number_integer()) {
    return Status::Error(path.string() + " is not an index of a backup");
  }
  StampIndex index;
  index.taken_at_ns = json["takenAtNs"].get<int64_t>();
  for (const nlohmann::json& row : json["files"]) {
    if (!row.is_array() || row.size() != 6 || !row[0].is_string()) continue;
    if (!std::all_of(row.begin() + 1, row.end(), [](auto& v) { return v.is_number_integer(); })) {
      continue;
    }
    index.files[row[0].get<std::string>()] = {row[1].get<uint64_t>(), row[2].get<uint64_t>(),
                                              row[3].get<int64_t>(), row[4].get<int64_t>(),
                                              row[5].get<int64_t>()};
  }
  return index;
}

}  // namespace nymvisor
