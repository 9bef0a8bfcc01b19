#ifndef NYMVISOR_AGENT_CONFIG_UPSTREAM_SOURCE_H_
#define NYMVISOR_AGENT_CONFIG_UPSTREAM_SOURCE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/json_util.h"
#include "agent/config/config.h"
#include "agent/config/config_file.h"
#include "agent/config/env_overrides.h"

namespace nymvisor {

/// What one layer of settings (a config file, the environment, init's
/// flags) says about the upstream, each as a phrase naming the setting
/// ("--upstream-source was given"); empty when the layer says nothing.
struct UpstreamMentions {
  std::string source;  ///< the layer sets upstream_source
  std::string url;     ///< the layer names an upgrade-info URL (base or absolute)
};

/// The source an instance follows and why, for init to print.
struct UpstreamChoice {
  std::string source;  ///< "github" or "upgrade-info"
  std::string why;     ///< "the default for a new instance", "because ..."
};

/// The rules, over the layers (any order): an upstream_source set anywhere
/// wins and is `configured` (the value precedence gave it); otherwise an
/// upgrade-info URL named anywhere keeps "upgrade-info", so no existing
/// setup (the original's config.toml always names its base URL) changes
/// source behind its operator's back; otherwise "github", the default for a
/// new instance. Pure.
UpstreamChoice ChooseUpstreamSource(const std::vector<UpstreamMentions>& layers,
                                    std::string_view configured);

/// ChooseUpstreamSource, written into `config` (whose upstream_source holds
/// the value precedence gave it).
UpstreamChoice ResolveUpstreamSource(const std::vector<UpstreamMentions>& layers, Config* config);

/// The keys a config file sets (present and, for URLs, not '').
UpstreamMentions MentionsInFile(const ParsedConfig& parsed, std::string_view path);
/// NYMVISOR_UPSTREAM_SOURCE set; an URL variable set and not empty.
UpstreamMentions MentionsInEnv(const EnvLookup& env);
/// init's flags, keyed by full key name as InitFlags::settings holds them.
UpstreamMentions MentionsInFlags(const std::map<std::string, std::string>& settings);

/// The resolved source for people: "github (nymtech/nym, tags
/// nym-binaries-v*)" or "upgrade-info <url>", credentials redacted.
std::string DescribeUpstream(const Config& config);

/// The URL the agent polls (upgrade-info.json, or the first page of the
/// releases list), credentials redacted; empty when it cannot be derived.
std::string PolledUrl(const Config& config);

/// {"source", "url" (what is polled), "repository" and "tag_prefix" (null
/// for upgrade-info)}, credentials redacted: `config -o json`'s "upstream".
Json UpstreamToJson(const Config& config);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CONFIG_UPSTREAM_SOURCE_H_
