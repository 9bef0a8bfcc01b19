#include "agent/records/layout.h"

namespace nymvisor {

std::filesystem::path Layout::UpgradeDir(const std::string& name) const {
  if (name == "genesis") return GenesisDir();
  return UpgradesDir() / name;
}

namespace {

/// "/h/x/", "/h/./x" and "/h/y/../x" all become "/h/x", so paths compare equal.
std::filesystem::path CleanPath(const std::string& text) {
  std::filesystem::path path = std::filesystem::path(text).lexically_normal();
  if (path.has_relative_path() && path.filename().empty()) path = path.parent_path();
  return path;
}

}  // namespace

Layout MakeLayout(const std::string& home, const std::string& data_dir,
                  const std::string& backup_dir, const std::string& daemon_name) {
  Layout layout;
  layout.home = CleanPath(home);
  layout.nymvisor_dir = layout.home / "nymvisor";
  layout.data_dir = data_dir.empty() ? layout.nymvisor_dir : CleanPath(data_dir);
  layout.backup_dir = backup_dir.empty() ? layout.nymvisor_dir / "backups" : CleanPath(backup_dir);
  layout.daemon_name = daemon_name;
  return layout;
}

namespace {

/// The first path component of `path` below `dir`, or empty if not below it.
std::filesystem::path TopLevelEntry(const std::filesystem::path& dir,
                                    const std::filesystem::path& path) {
  std::filesystem::path rel = path.lexically_normal().lexically_relative(dir.lexically_normal());
  if (rel.empty() || *rel.begin() == ".." || rel == ".") return {};
  return dir / *rel.begin();
}

}  // namespace

std::vector<std::filesystem::path> NymvisorPathsInHome(const Layout& layout) {
  std::vector<std::filesystem::path> paths = {layout.nymvisor_dir};
  for (const auto& dir : {layout.data_dir, layout.backup_dir}) {
    std::filesystem::path top = TopLevelEntry(layout.home, dir);
    if (!top.empty() && top != layout.nymvisor_dir) paths.push_back(dir.lexically_normal());
  }
  return paths;
}

Status ValidateLayout(const Layout& layout) {
  for (const auto& [key, dir] : {std::pair{"nymvisor.upgrade_data_directory", layout.data_dir},
                                 std::pair{"daemon.backup_data_directory", layout.backup_dir}}) {
    std::filesystem::path top = TopLevelEntry(layout.home, dir);
    if (top.empty() || top == layout.nymvisor_dir || top == dir.lexically_normal()) continue;
    return Status::Error(std::string(key) + ": " + dir.string() +
                         " is nested inside the daemon home; put it directly in " +
                         layout.home.string() + ", inside " + layout.nymvisor_dir.string() +
                         " or outside the home");
  }
  if (layout.data_dir.lexically_normal() == layout.home.lexically_normal() ||
      layout.backup_dir.lexically_normal() == layout.home.lexically_normal()) {
    return Status::Error("the data and backup directories must not be the daemon home itself");
  }
  return {};
}

}  // namespace nymvisor
