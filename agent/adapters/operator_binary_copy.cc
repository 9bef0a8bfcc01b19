#include "agent/adapters/operator_binary_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "agent/adapters/account_scope.h"
#include "agent/adapters/fd.h"
#include "agent/adapters/root_only_path.h"
#include "agent/adapters/system_account.h"

namespace nymvisor {
namespace {

namespace fs = std::filesystem;

/// Where staging directories go: /run is not mounted noexec, /tmp may be.
constexpr const char* kStageRoot = "/run/nymvisor-stage";

Status Errno(const std::string& what, const fs::path& path) {
  return Status::Error(what + " " + path.string() + ": " + std::strerror(errno));
}

bool IsRootAccount(const std::string& user) {
  Result<SystemAccount> account = LookUpAccount(user);
  return account.ok() && account->uid == 0;
}

/// Opens the source as `reader`, else (not readable by it) as root through a
/// path only root controls.
Result<Fd> OpenSource(const fs::path& source, const std::string& reader) {
  {
    NV_ASSIGN_OR_RETURN(std::unique_ptr<AccountScope> scope, AccountScope::Enter(reader));
    Fd fd(::open(source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() >= 0) return fd;
    if (errno != EACCES && errno != EPERM) return Errno("reading", source);
  }
  Result<Fd> fd = OpenTrustedPath(source, PathTrust::kRootOnly, false);
  if (fd.ok()) return fd;
  return Status::Error(source.string() + " cannot be read by '" + reader +
                       "', and root reads it only through directories no one else can change (" +
                       fd.status().message() +
                       "); copy it to a directory of root's such as "
                       "/usr/local/lib, or make it readable by '" +
                       reader + "'");
}

/// A fresh root-owned directory that others may enter but not list.
Result<fs::path> MakeStageDirectory() {
  if (::mkdir(kStageRoot, 0711) != 0 && errno != EEXIST) return Errno("creating", kStageRoot);
  NV_RETURN_IF_ERROR(OpenTrustedPath(kStageRoot, PathTrust::kRootOnly, true).status());
  std::string pattern = std::string(kStageRoot) + "/XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) return Errno("creating a directory in", kStageRoot);
  fs::path dir(name.data());
  if (::chmod(dir.c_str(), 0711) != 0) return Errno("chmod", dir);
  return dir;
}

Status CopyInto(int in, const fs::path& to) {
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755));
  if (out.get() < 0) return Errno("creating", to);
  std::vector<char> buf(1 << 20);
  while (true) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("reading the binary for", to);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Errno("writing", to);
      done += w;
    }
  }
  if (::fchmod(out.get(), 0755) != 0) return Errno("chmod", to);
  return {};
}

}  // namespace

Result<std::unique_ptr<OperatorBinaryCopy>> OperatorBinaryCopy::Stage(const fs::path& source,
                                                                      const std::string& reader) {
  std::unique_ptr<OperatorBinaryCopy> staged(new OperatorBinaryCopy());
  staged->path_ = source;
  if (::geteuid() != 0 || reader.empty() || IsRootAccount(reader)) return staged;
  fs::path absolute = fs::absolute(source).lexically_normal();
  NV_ASSIGN_OR_RETURN(Fd in, OpenSource(absolute, reader));
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Errno("stat", absolute);
  if (!S_ISREG(st.st_mode)) return Status::Error(absolute.string() + " is not a regular file");
  NV_ASSIGN_OR_RETURN(staged->dir_, MakeStageDirectory());
  staged->path_ = staged->dir_ / absolute.filename();
  NV_RETURN_IF_ERROR(CopyInto(in.get(), staged->path_));
  return staged;
}

OperatorBinaryCopy::~OperatorBinaryCopy() {
  if (dir_.empty()) return;
  ::unlink(path_.c_str());
  ::rmdir(dir_.c_str());
}

}  // namespace nymvisor
