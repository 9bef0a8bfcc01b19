#include "agent/config/upstream_source.h"

#include <nlohmann/json.hpp>

#include "agent/base/url_redaction.h"
#include "agent/config/config_keys.h"

namespace nymvisor {
namespace {

constexpr std::string_view kSourceKey = "nymvisor.upstream_source";
constexpr std::string_view kUrlKeys[] = {"nymvisor.upstream_base_upgrade_url",
                                         "daemon.absolute_upstream_upgrade_url"};

const ConfigKey& KeyNamed(std::string_view full) {
  size_t dot = full.find('.');
  return *FindConfigKey(full.substr(0, dot), full.substr(dot + 1));
}

}  // namespace

UpstreamChoice ChooseUpstreamSource(const std::vector<UpstreamMentions>& layers,
                                    std::string_view configured) {
  // The layers' order does not matter: an explicit source anywhere wins.
  for (const UpstreamMentions& layer : layers) {
    if (!layer.source.empty()) return {std::string(configured), "because " + layer.source};
  }
  for (const UpstreamMentions& layer : layers) {
    if (!layer.url.empty()) return {"upgrade-info", "because " + layer.url};
  }
  return {"github", "the default for a new instance"};
}

UpstreamChoice ResolveUpstreamSource(const std::vector<UpstreamMentions>& layers, Config* config) {
  UpstreamChoice choice = ChooseUpstreamSource(layers, config->nymvisor.upstream_source);
  config->nymvisor.upstream_source = choice.source;
  return choice;
}

UpstreamMentions MentionsInFile(const ParsedConfig& parsed, std::string_view path) {
  UpstreamMentions mentions;
  std::string where = " is set in " + std::string(path);
  if (parsed.key_lines.contains(std::string(kSourceKey))) {
    mentions.source = "upstream_source" + where;
  }
  for (std::string_view full : kUrlKeys) {
    const ConfigKey& key = KeyNamed(full);
    if (mentions.url.empty() && parsed.key_lines.contains(std::string(full)) &&
        !ValueAsText(key, parsed.config).empty()) {
      mentions.url = std::string(key.name) + where;
    }
  }
  return mentions;
}

UpstreamMentions MentionsInEnv(const EnvLookup& env) {
  UpstreamMentions mentions;
  const ConfigKey& source = KeyNamed(kSourceKey);
  if (env(source.env_var)) mentions.source = std::string(source.env_var) + " is set";
  for (std::string_view full : kUrlKeys) {
    const ConfigKey& key = KeyNamed(full);
    std::optional<std::string> value = env(key.env_var);
    if (mentions.url.empty() && value && !value->empty()) {
      mentions.url = std::string(key.env_var) + " is set";
    }
  }
  return mentions;
}

UpstreamMentions MentionsInFlags(const std::map<std::string, std::string>& settings) {
  UpstreamMentions mentions;
  if (settings.contains(std::string(kSourceKey))) {
    mentions.source = std::string(KeyNamed(kSourceKey).init.name) + " was given";
  }
  for (std::string_view full : kUrlKeys) {
    auto given = settings.find(std::string(full));
    if (mentions.url.empty() && given != settings.end() && !given->second.empty()) {
      mentions.url = std::string(KeyNamed(full).init.name) + " was given";
    }
  }
  return mentions;
}

std::string PolledUrl(const Config& config) {
  const NymvisorSection& n = config.nymvisor;
  if (n.upstream_source == "github") {
    std::string base = n.github_api_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return RedactUrl(base + "/repos/" + n.github_repository + "/releases");
  }
  Result<std::string> url = UpgradeInfoUrl(config);
  return url.ok() ? RedactUrl(*url) : "";
}

std::string DescribeUpstream(const Config& config) {
  const NymvisorSection& n = config.nymvisor;
  if (n.upstream_source == "github") {
    return "github (" + n.github_repository + ", tags " + n.github_tag_prefix + "*)";
  }
  return "upgrade-info " + PolledUrl(config);
}

Json UpstreamToJson(const Config& config) {
  bool github = config.nymvisor.upstream_source == "github";
  return Json{{"source", config.nymvisor.upstream_source},
              {"url", PolledUrl(config)},
              {"repository", github ? Json(config.nymvisor.github_repository) : Json(nullptr)},
              {"tag_prefix", github ? Json(config.nymvisor.github_tag_prefix) : Json(nullptr)}};
}

}  // namespace nymvisor
