#ifndef NYMVISOR_AGENT_BASE_JSON_RECORD_H_
#define NYMVISOR_AGENT_BASE_JSON_RECORD_H_

// Apart from json_util.h, because its template needs the full JSON header
// where it is defined (clang checks the non-dependent ParseJson call there).
#include <nlohmann/json.hpp>
#include <string_view>

#include "agent/base/json_util.h"

namespace nymvisor {

/// The one shape of every record's Parse: the text as JSON, then the
/// record's FromJson (which names the record in its errors).
template <typename T, typename J>
Result<T> ParseRecord(std::string_view text, Result<T> (*from_json)(const J&)) {
  Result<J> j = ParseJson(text);
  if (!j.ok()) return j.status();
  return from_json(*j);
}

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_BASE_JSON_RECORD_H_
