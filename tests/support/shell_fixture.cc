#include "tests/support/shell_fixture.h"

#include <algorithm>
#include <filesystem>

#include "tests/support/config_builders.h"

namespace nymvisor::testing {

ShellFixture::ShellFixture(const std::filesystem::path& base)
    : dir_(base),
      clock_(*ParseTimestamp("2026-11-26T12:00:00Z")),
      scheduler_(clock_),
      log_(journal_, "mixnode", false),
      config_(NodeConfig(dir_.path(), "mixnode")),
      layout_(MakeLayout(config_)),
      store_(files_, layout_),
      records_(files_, layout_),
      genesis_(MakeGenesisInfo(NodeBuildInfo("1.1.0"))) {
  std::filesystem::create_directories(layout_.GenesisDir() / "bin");
  EXPECT_TRUE(store_.SavePlan({genesis_, {}}).ok());
  EXPECT_TRUE(
      records_.SwitchCurrent("genesis", "1.1.0", NodeBuildInfo("1.1.0"), clock_.Now()).ok());
  UnitState& unit = systemd_.units[kUnit];
  unit.load_state = "loaded";
  unit.active_state = ActiveState::kActive;
  unit.sub_state = "running";
}

int ShellFixture::Count(std::string_view message_id) const {
  int n = 0;
  for (const auto& e : journal_.entries) n += e.message_id == message_id;
  return n;
}

bool ShellFixture::Journaled(std::string_view text) const {
  return std::any_of(journal_.entries.begin(), journal_.entries.end(),
                     [&](const auto& e) { return e.message.find(text) != std::string::npos; });
}

int ShellFixture::Calls(const std::string& call) const {
  return static_cast<int>(std::count(systemd_.calls.begin(), systemd_.calls.end(), call));
}

std::string ShellFixture::CurrentTarget() const {
  return std::filesystem::read_symlink(layout_.CurrentLink());
}

}  // namespace nymvisor::testing
