#ifndef NYMVISOR_AGENT_CONFIG_URL_H_
#define NYMVISOR_AGENT_CONFIG_URL_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// Accepts absolute http:// and https:// URLs with a host (parsed by libcurl's
/// URL API, the same parser that will fetch them).
Status ValidateHttpUrl(std::string_view url);

/// "<base path without trailing '/'>/<daemon_name>/upgrade-info.json", keeping
/// the base URL's query, as the original derives the upstream URL.
Result<std::string> UpgradeInfoUrlFromBase(std::string_view base, std::string_view daemon_name);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_URL_H_
