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
inline constexpr std::string_view kUpgradesHeld = "3e10553216c64fc880f5bac8a2ccee6f";
inline constexpr std::string_view kUpgradesResumed = "077e63bd29484b94b07c209341795045";
inline constexpr std::string_view kUpgradeSkipped = "c9552394adc24b749f797e7ab5387385";
inline constexpr std::string_view kRollbackRequested = "f33aa27770b64c49ae6988643a9896c4";
inline constexpr std::string_view kRolledBackOnRequest = "9995dc86f5fa4da7abe356a00ae27488";
inline constexpr std::string_view kSignatureRefused = "9149dd0a79f6425581f522af00c4caae";
inline constexpr std::string_view kUpstreamRecovered = "cc1b3045d2974cc7b523b0ab91fda25e";
inline constexpr std::string_view kNodeLeftDown = "a24725ff52044953b04fe3363d241378";
inline constexpr std::string_view kNodeReleased = "34cc5bef83734e68b26612478a8e7911";
inline constexpr std::string_view kUpgradePostponed = "7b0fec8ae7564026bf59620d7e09fc40";
inline constexpr std::string_view kBusyDeadlinePassed = "bfeadff254474ec38bce1b15692203f7";
inline constexpr std::string_view kHookRefused = "ad873918951f4b949cdb307afd77e83b";

/// Every id above, for the catalog check.
inline constexpr std::string_view kAll[] = {
    kUpgradeQueued,     kUpgradeStaged,      kUpgradeStarted,      kUpgradeSucceeded,
    kUpgradeRolledBack, kVerificationFailed, kDowngradeRefused,    kUpstreamUnreachable,
    kUpgradeAborted,    kRollbackFailed,     kManualStartRequired, kUpgradesHeld,
    kUpgradesResumed,   kUpgradeSkipped,     kRollbackRequested,   kRolledBackOnRequest,
    kSignatureRefused,  kUpstreamRecovered,  kNodeLeftDown,        kNodeReleased,
    kUpgradePostponed,  kBusyDeadlinePassed, kHookRefused};

}  // namespace nymvisor::message_ids

#endif  // NYMVISOR_AGENT_BASE_MESSAGE_IDS_H_
