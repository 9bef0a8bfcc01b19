#include "agent/shell/build_info_probe.h"

namespace nymvisor {
namespace {

std::string Tail(const std::string& text, size_t max) {
  std::string t = text.size() > max ? "..." + text.substr(text.size() - max) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

}  // namespace

Result<BuildInfo> ProbeBuildInfo(ProcessRunner& processes, const std::string& binary,
                                 Duration timeout) {
  std::string command = binary + " --no-banner build-info --output=json";
  Result<ProcessResult> run =
      processes.Run({binary, "--no-banner", "build-info", "--output=json"}, timeout);
  if (!run.ok()) return run.status().WithContext("'" + command + "'");
  if (run->timed_out) {
    return Status::Error("'" + command + "' did not answer within " + FormatDuration(timeout));
  }
  if (!run->Succeeded()) {
    std::string err = Tail(run->err, 400);
    return Status::Error("'" + command + "' " + run->Describe() + (err.empty() ? "" : ": " + err));
  }
  Result<BuildInfo> info = ParseBuildInfo(run->out);
  if (!info.ok()) {
    return info.status().WithContext("'" + command + "' printed unusable build information");
  }
  return info;
}

}  // namespace nymvisor
