#include "agent/cli/exec_command.h"

#include "agent/records/layout.h"

namespace nymvisor {

Result<std::vector<std::string>> NodeCommandLine(const Config& config, FileSystem& files) {
  std::filesystem::path binary = MakeLayout(config).CurrentBinary();
  Result<FileInfo> info = files.Stat(binary, /*follow_symlinks=*/true);
  if (!info.ok()) return info.status().WithContext("the node binary is missing");
  if (info->type != FileInfo::Type::kRegular || (info->mode & 0111) == 0) {
    return Status::Error("the node binary " + binary.string() + " is not an executable file");
  }
  std::vector<std::string> argv = {binary.string()};
  argv.insert(argv.end(), config.daemon.args.begin(), config.daemon.args.end());
  return argv;
}

}  // namespace nymvisor
