#include "agent/records/signature_record.h"

#include <nlohmann/json.hpp>

#include "agent/base/json_record.h"

namespace nymvisor {
namespace {

Result<SignatureRecord> ReadSignatureRecord(const Json& j) {
  NV_RETURN_IF_ERROR(RequireObject(j, "upstream signature"));
  SignatureRecord record;
  auto signed_at = j.find("signed_at");
  if (signed_at == j.end() || !signed_at->is_number_integer()) {
    return Status::Error("'signed_at' must be an integer (Unix seconds)");
  }
  record.signed_at = signed_at->get<int64_t>();
  NV_ASSIGN_OR_RETURN(record.key_id, GetString(j, "key_id"));
  return record;
}

}  // namespace

Result<SignatureRecord> SignatureRecordFromJson(const Json& j) {
  Result<SignatureRecord> record = ReadSignatureRecord(j);
  if (!record.ok()) return record.status().WithContext("upstream signature");
  return record;
}

Result<SignatureRecord> ParseSignatureRecord(std::string_view text) {
  return ParseRecord(text, SignatureRecordFromJson);
}

Json SignatureRecordToJson(const SignatureRecord& record) {
  return Json{{"signed_at", record.signed_at}, {"key_id", record.key_id}};
}

}  // namespace nymvisor
