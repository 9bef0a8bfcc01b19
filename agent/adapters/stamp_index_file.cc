#include "agent/adapters/stamp_index_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>

#include "agent/adapters/fd.h"

namespace nymvisor {

// One line per file: "<dev> <ino> <size> <mtime ns> <ctime ns> <path>", the
// path with "\" and newlines escaped; the first line names the format and the
// time the walk began. Plain text, written and read in a few milliseconds
// for tens of thousands of files: it is written while the node is down.
namespace {

constexpr std::string_view kHeader = "nymvisor-stamp-index 1 ";

void AppendNumber(std::string* out, int64_t value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out->append(buf, end);
  out->push_back(' ');
}

void AppendEscaped(std::string* out, std::string_view path) {
  for (char c : path) {
    if (c == '\\')
      out->append("\\\\");
    else if (c == '\n')
      out->append("\\n");
    else
      out->push_back(c);
  }
  out->push_back('\n');
}

std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out.push_back(text[++i] == 'n' ? '\n' : text[i]);
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

/// Parses "<n> " at the front of `line` and drops it; false when malformed.
template <typename T>
bool TakeNumber(std::string_view* line, T* value) {
  auto [end, ec] = std::from_chars(line->data(), line->data() + line->size(), *value);
  if (ec != std::errc() || end == line->data() + line->size() || *end != ' ') return false;
  line->remove_prefix(end - line->data() + 1);
  return true;
}

bool ParseLine(std::string_view line, StampIndex* index) {
  FileStamp s;
  if (!TakeNumber(&line, &s.dev) || !TakeNumber(&line, &s.ino) || !TakeNumber(&line, &s.size) ||
      !TakeNumber(&line, &s.mtime_ns) || !TakeNumber(&line, &s.ctime_ns)) {
    return false;
  }
  index->files[Unescape(line)] = s;
  return true;
}

Result<std::string> ReadAll(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return Status::NotFound("no index " + path.string());
  std::string text;
  char buffer[1 << 16];
  for (ssize_t n; (n = ::read(fd.get(), buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, n);
  }
  return text;
}

}  // namespace

Status SaveStampIndex(const std::filesystem::path& path, const StampIndex& index) {
  std::string text(kHeader);
  text.reserve(index.files.size() * 96);
  AppendNumber(&text, index.taken_at_ns);
  text.back() = '\n';
  for (const auto& [file, s] : index.files) {
    for (int64_t n : {static_cast<int64_t>(s.dev), static_cast<int64_t>(s.ino), s.size, s.mtime_ns,
                      s.ctime_ns}) {
      AppendNumber(&text, n);
    }
    AppendEscaped(&text, file);
  }
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return Errno("creating", path);
  NV_RETURN_IF_ERROR(WriteAt(fd.get(), text, 0, path));
  if (::fdatasync(fd.get()) != 0) return Errno("syncing", path);
  return fd.Close() == 0 ? Status() : Errno("closing", path);
}

Result<StampIndex> LoadStampIndex(const std::filesystem::path& path) {
  NV_ASSIGN_OR_RETURN(std::string text, ReadAll(path));
  std::string_view rest = text;
  size_t eol = rest.find('\n');
  StampIndex index;
  std::string_view header = rest.substr(0, eol);
  if (!header.starts_with(kHeader) || eol == std::string_view::npos ||
      std::from_chars(header.data() + kHeader.size(), header.data() + header.size(),
                      index.taken_at_ns)
              .ec != std::errc()) {
    return Status::Error(path.string() + " is not an index of a backup");
  }
  rest.remove_prefix(eol + 1);
  while (!rest.empty()) {
    eol = rest.find('\n');
    if (eol == std::string_view::npos) break;  // a torn last line: left out
    if (!ParseLine(rest.substr(0, eol), &index)) {
      return Status::Error(path.string() + ": a line is not a file's stamp");
    }
    rest.remove_prefix(eol + 1);
  }
  return index;
}

}  // namespace nymvisor
