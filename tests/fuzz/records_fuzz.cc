// libFuzzer target: the on-disk records an agent reads (upgrade-info.json,
// upgrade-plan.json, upgrade-history.json, upgrade-state.json). The first
// byte picks the parser; any input must give a value or an error, never a
// crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/decide/upgrade_state.h"
#include "agent/records/upgrade_history.h"
#include "agent/records/upgrade_info.h"
#include "agent/records/upgrade_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)nymvisor::ParseUpgradeInfo(text);
      break;
    case 1:
      (void)nymvisor::ParseUpgradePlan(text);
      break;
    case 2:
      (void)nymvisor::ParseUpgradeHistory(text);
      break;
    default:
      (void)nymvisor::ParseUpgradeState(text);
      break;
  }
  return 0;
}
