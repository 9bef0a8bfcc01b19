// libFuzzer target: the instance config (TOML) and env-file parsers. The
// first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/config/config_file.h"
#include "agent/config/env_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    (void)nymvisor::ParseConfigToml(text, "fuzz.toml");
  } else {
    auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    (void)nymvisor::ParseEnvFile(text, "fuzz.env", no_env);
  }
  return 0;
}
