#ifndef NYMVISOR_AGENT_RECORDS_HOLD_H_
#define NYMVISOR_AGENT_RECORDS_HOLD_H_

#include <string>
#include <string_view>

#include "agent/base/json_util.h"
#include "agent/base/timestamp.h"

namespace nymvisor {

/// The `hold` file in the data directory: present while an operator holds
/// upgrades (`nymvisor hold`), so that no upgrade is applied, across agent
/// restarts, until `nymvisor resume` removes it. Plain value.
struct HoldRecord {
  Timestamp since;
  std::string reason;  ///< what the operator said, or empty
  std::string by;      ///< who held it: "uid 1000 (alice)"
  bool operator==(const HoldRecord&) const = default;
};

Result<HoldRecord> HoldRecordFromJson(const Json& j);
Result<HoldRecord> ParseHoldRecord(std::string_view text);
Json HoldRecordToJson(const HoldRecord& hold);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_HOLD_H_
