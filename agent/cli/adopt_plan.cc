#include "agent/cli/adopt_plan.h"

#include <nlohmann/json.hpp>

#include "agent/config/config_keys.h"

namespace nymvisor {

Result<std::vector<std::string>> ParseShownExecStart(std::string_view shown) {
  constexpr std::string_view kArgv = "argv[]=";
  size_t start = shown.find(kArgv);
  if (start == std::string_view::npos) return Status::Error("the unit has no ExecStart");
  start += kArgv.size();
  size_t end = shown.find(" ;", start);
  std::string_view line = shown.substr(start, end == std::string_view::npos ? end : end - start);
  std::vector<std::string> argv;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t space = line.find(' ', pos);
    if (space == std::string_view::npos) space = line.size();
    if (space > pos) argv.emplace_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  if (argv.empty()) return Status::Error("the unit's ExecStart is empty");
  return argv;
}

std::optional<std::filesystem::path> OriginalHomeOf(const std::filesystem::path& config_path) {
  std::filesystem::path p = config_path.lexically_normal();
  // .../<home>/.nym/nymvisors/instances/<id>/config/config.toml
  std::vector<std::string> parts;
  for (const auto& part : p) parts.push_back(part.string());
  if (parts.size() < 7) return std::nullopt;
  size_t n = parts.size();
  if (parts[n - 1] != "config.toml" || parts[n - 2] != "config" || parts[n - 4] != "instances" ||
      parts[n - 5] != "nymvisors" || parts[n - 6] != ".nym") {
    return std::nullopt;
  }
  return p.parent_path().parent_path().parent_path().parent_path().parent_path().parent_path();
}

std::filesystem::path OriginalDataDirectory(const std::filesystem::path& home,
                                            const std::string& daemon_name) {
  return home / ".nym" / "nymvisors" / "data" / daemon_name;
}

std::filesystem::path NymNodeHome(const std::filesystem::path& account_home,
                                  const std::vector<std::string>& args) {
  std::string id = "default-nym-node";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--id" && i + 1 < args.size()) id = args[i + 1];
    if (args[i].starts_with("--id=")) id = args[i].substr(5);
  }
  return account_home / ".nym" / "nym-nodes" / id;
}

std::vector<std::string> InitArgumentsFor(const Config& config, const std::string& binary) {
  std::vector<std::string> args = {"init"};
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.init.name.empty()) continue;
    std::string value = ValueAsText(key, config);
    if (key.init.bare) {
      if (value == "true") args.emplace_back(key.init.name);
      continue;
    }
    if (value.empty()) continue;
    args.emplace_back(key.init.name);
    args.push_back(value);
  }
  args.push_back(binary);
  args.emplace_back("--");
  args.insert(args.end(), config.daemon.args.begin(), config.daemon.args.end());
  return args;
}

std::string FormatAdoptRecord(const AdoptRecord& r) {
  Json j{{"kind", r.kind},
         {"source", r.source},
         {"configPath", r.config_path},
         {"binary", r.binary},
         {"unit", r.unit}};
  return DumpJsonCompact(j) + "\n";
}

Result<AdoptRecord> ParseAdoptRecord(std::string_view text) {
  NV_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  AdoptRecord r;
  NV_ASSIGN_OR_RETURN(r.kind, GetString(j, "kind"));
  NV_ASSIGN_OR_RETURN(r.source, GetString(j, "source"));
  NV_ASSIGN_OR_RETURN(r.config_path, GetString(j, "configPath"));
  NV_ASSIGN_OR_RETURN(r.binary, GetString(j, "binary"));
  NV_ASSIGN_OR_RETURN(r.unit, GetString(j, "unit"));
  return r;
}

}  // namespace nymvisor
