#include "agent/adapters/backup_catalog.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "agent/adapters/fd.h"
#include "agent/adapters/file_copy.h"

namespace nymvisor {
namespace {

namespace stdfs = std::filesystem;

constexpr char kPrefix[] = "backup-";
constexpr char kSuffix[] = "-preupgrade";

bool IsCompleteName(const std::string& name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

stdfs::path SequencePath(const stdfs::path& backup) {
  return backup.parent_path() / (backup.filename().string() + ".seq");
}

/// A leftover of a crash or an abort in an upgrade's directory: a partial
/// copy, a backup half removed, or an .index/.seq without its backup.
bool IsLeftover(const stdfs::path& entry) {
  std::string name = entry.filename().string();
  if (name.starts_with(".backup-")) {
    return name.ends_with(".partial") || name.ends_with(".deleting");
  }
  for (const char* extension : {".index", ".seq"}) {
    if (!name.ends_with(extension)) continue;
    std::string backup = name.substr(0, name.size() - std::char_traits<char>::length(extension));
    std::error_code ec;
    return IsCompleteName(backup) && !stdfs::exists(entry.parent_path() / backup, ec);
  }
  return false;
}

}  // namespace

stdfs::path IndexPath(const stdfs::path& backup) {
  return backup.parent_path() / (backup.filename().string() + ".index");
}

uint64_t SequenceOf(const stdfs::path& backup) {
  Fd fd(::open(SequencePath(backup).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return 0;
  char buf[32];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  uint64_t seq = 0;
  if (n <= 0 || std::from_chars(buf, buf + n, seq).ec != std::errc()) return 0;
  return seq;
}

Status SaveSequence(const stdfs::path& backup, uint64_t seq) {
  stdfs::path path = SequencePath(backup);
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return Errno("creating", path);
  NV_RETURN_IF_ERROR(WriteAt(fd.get(), std::to_string(seq) + "\n", 0, path));
  if (::fsync(fd.get()) != 0) return Errno("syncing", path);
  return fd.Close() == 0 ? Status() : Errno("closing", path);
}

void AddCompleteBackups(const stdfs::path& upgrade_dir, std::vector<stdfs::path>* found) {
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(upgrade_dir, ec)) {
    if (IsCompleteName(entry.path().filename().string())) found->push_back(entry.path());
  }
}

void SortByAge(std::vector<stdfs::path>* backups) {
  std::vector<std::pair<uint64_t, stdfs::path>> keyed;
  for (stdfs::path& backup : *backups) keyed.emplace_back(SequenceOf(backup), std::move(backup));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.filename() < b.second.filename();
  });
  backups->clear();
  for (auto& [seq, backup] : keyed) backups->push_back(std::move(backup));
}

std::vector<stdfs::path> CompleteBackups(const stdfs::path& dir) {
  std::vector<stdfs::path> found;
  std::error_code ec;
  for (const auto& upgrade : stdfs::directory_iterator(dir, ec)) {
    AddCompleteBackups(upgrade.path(), &found);
  }
  SortByAge(&found);
  return found;
}

uint64_t NextSequence(const stdfs::path& dir) {
  uint64_t highest = 0;
  for (const stdfs::path& backup : CompleteBackups(dir)) {
    highest = std::max(highest, SequenceOf(backup));
  }
  return highest + 1;
}

void RemoveLeftovers(const stdfs::path& dir, const stdfs::path& keep) {
  std::error_code ec;
  for (const auto& upgrade : stdfs::directory_iterator(dir, ec)) {
    if (!upgrade.is_directory(ec) || upgrade.is_symlink(ec)) continue;
    std::vector<stdfs::path> leftovers;
    for (const auto& entry : stdfs::directory_iterator(upgrade.path(), ec)) {
      if (entry.path() != keep && IsLeftover(entry.path())) leftovers.push_back(entry.path());
    }
    std::error_code ignored;
    for (const stdfs::path& path : leftovers) stdfs::remove_all(path, ignored);
  }
}

Status RemoveBackup(const stdfs::path& backup) {
  stdfs::path dir = backup.parent_path();
  stdfs::path doomed = dir / ("." + backup.filename().string() + ".deleting");
  if (::rename(backup.c_str(), doomed.c_str()) != 0) return Errno("renaming", backup);
  NV_RETURN_IF_ERROR(SyncPaths({dir}, dir));
  std::error_code ec;
  for (const stdfs::path& path : {IndexPath(backup), SequencePath(backup), doomed}) {
    stdfs::remove_all(path, ec);
    if (ec) return Status::Error("removing " + path.string() + ": " + ec.message());
  }
  return {};
}

}  // namespace nymvisor
