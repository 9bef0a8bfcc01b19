// libFuzzer target: the value parsers behind config keys and records:
// durations ("1h 30m"), booleans and RFC 3339 timestamps. The first byte
// picks the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/base/duration.h"
#include "agent/base/timestamp.h"
#include "agent/config/config_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto d = nymvisor::ParseDuration(text); d.ok()) (void)nymvisor::FormatDuration(*d);
      break;
    case 1:
      (void)nymvisor::ParseBoolText(text);
      break;
    default:
      if (auto t = nymvisor::ParseTimestamp(text); t.ok()) (void)nymvisor::FormatTimestamp(*t);
      break;
  }
  return 0;
}
