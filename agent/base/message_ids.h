#ifndef NYMVISOR_AGENT_BASE_MESSAGE_IDS_H_
#define NYMVISOR_AGENT_BASE_MESSAGE_IDS_H_

#include <string_view>

namespace nymvisor::message_ids {

// MESSAGE_ID of each journal event an operator cares about. Each has an entry
// in units/nymvisor.catalog (checked by tests/message_ids_test.cc), so
// `journalctl -x` explains it. Select one with `journalctl MESSAGE_ID=<id>`.
inline constexpr std::string_view kUpgradeQueued = "8779467491ff41e990b0da0d9d7e36e8";
inline constexpr std::string_view kUpgradeStaged = "690c4ef1834847a5a6a789f377ddc7d4";
inline constexpr std::string_view kUpgradeStarted = "e1b3e32e386d44dca3b72e458adfa245";
inline constexpr std::string_view kUpgradeSucceeded = "db8407a983d54eac8188575097f34fd8";
inline constexpr std::string_view kUpgradeRolledBack = "7e181a62f0fa4b4cb8202e79bcda0cbd";
inline constexpr std::string_view kVerificationFailed = "cbfbf1ed8a8044ceb444b98620653edd";
inline constexpr std::string_view kDowngradeRefused = "bea56045b79e4ec2ab9367749c658dc4";
inline constexpr std::string_view kUpstreamUnreachable = "b94313667b61402ca1b75209b14a690e";
inline constexpr std::string_view kUpgradeAborted = "86503539cd344496b8d47bad12b9f219";
inline constexpr std::string_view kRollbackFailed = "dfbfd1a28ce7470ebe270b4297afaedd";
inline constexpr std::string_view kManualStartRequired = "0cf40eb5ccdf4f938161a0455bde112e";

/// Every id above, for the catalog check.
inline constexpr std::string_view kAll[] = {
    kUpgradeQueued,     kUpgradeStaged,      kUpgradeStarted,     kUpgradeSucceeded,
    kUpgradeRolledBack, kVerificationFailed, kDowngradeRefused,   kUpstreamUnreachable,
    kUpgradeAborted,    kRollbackFailed,     kManualStartRequired};

}  // namespace nymvisor::message_ids

#endif  // NYMVISOR_AGENT_BASE_MESSAGE_IDS_H_
