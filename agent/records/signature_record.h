#ifndef NYMVISOR_AGENT_RECORDS_SIGNATURE_RECORD_H_
#define NYMVISOR_AGENT_RECORDS_SIGNATURE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/base/json_util.h"

namespace nymvisor {

/// `upstream-signature.json` in the data directory: the newest signed
/// upgrade-info.json accepted, so an older one served again is a replay
/// (decide/signature_policy.h). Plain value.
struct SignatureRecord {
  int64_t signed_at = 0;  ///< the trusted comment's timestamp (Unix seconds)
  std::string key_id;     ///< the key that signed it
  bool operator==(const SignatureRecord&) const = default;
};

Result<SignatureRecord> SignatureRecordFromJson(const Json& j);
Result<SignatureRecord> ParseSignatureRecord(std::string_view text);
Json SignatureRecordToJson(const SignatureRecord& record);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_RECORDS_SIGNATURE_RECORD_H_
