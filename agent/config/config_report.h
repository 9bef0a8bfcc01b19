#ifndef NYMVISOR_AGENT_CONFIG_CONFIG_REPORT_H_
#define NYMVISOR_AGENT_CONFIG_CONFIG_REPORT_H_

#include <string>

#include "agent/base/json_util.h"
#include "agent/config/config.h"

namespace nymvisor {

/// The `config -o text` listing: the original's aligned "label: value" lines
/// (optional paths and URLs debug-quoted), then our added keys, then the
/// resolved upstream. URLs have their credentials redacted.
std::string FormatConfigText(const Config& config);

/// The `config -o json` object: {"nymvisor": {...}, "daemon": {...}} with
/// snake_case keys, humantime durations and null for unset optional values,
/// plus "upstream" (UpstreamToJson). URLs have their credentials redacted.
Json ConfigToJson(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_CONFIG_REPORT_H_
