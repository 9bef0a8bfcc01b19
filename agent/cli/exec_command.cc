#include "agent/cli/exec_command.h"

#include "agent/decide/node_start_guard.h"
#include "agent/records/layout.h"
#include "agent/shell/upgrade_records.h"

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

Status CheckNodeMayStart(const Config& config, FileSystem& files) {
  Layout layout = MakeLayout(config);
  UpgradeRecords records(files, layout);
  auto unreadable = [](const Status& st) {
    return Status::Refused(kNodeStartRefusedReason,
                           "a record that decides whether the node may start cannot be read (" +
                               st.message() + "); fix or remove that file, then start the node");
  };
  Result<std::optional<UpgradeState>> state = records.LoadState();
  if (!state.ok()) return unreadable(state.status());
  std::optional<NodeDownRecord> node_down;
  if (Result<NodeDownRecord> r = records.LoadNodeDown(); r.ok()) {
    node_down = *r;
  } else if (!r.status().IsNotFound()) {
    return unreadable(r.status());
  }
  return DecideNodeStart(config.nymvisor.id, *state, node_down);
}

}  // namespace nymvisor
