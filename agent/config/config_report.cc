#include "agent/config/config_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "agent/base/url_redaction.h"
#include "agent/config/config_keys.h"
#include "agent/config/upstream_source.h"

namespace nymvisor {
namespace {

/// The keys in the order `nymvisor config` lists them (ConfigLabel::line).
std::vector<const ConfigKey*> KeysByLabelLine() {
  std::vector<const ConfigKey*> keys;
  for (const ConfigKey& key : AllConfigKeys()) keys.push_back(&key);
  std::sort(keys.begin(), keys.end(),
            [](const ConfigKey* a, const ConfigKey* b) { return a->label.line < b->label.line; });
  return keys;
}

std::string DebugQuote(const std::string& s) { return DumpJsonCompact(Json(s)); }

Json KeyToJson(const ConfigKey& key, const Config& config) {
  FieldRef ref = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::kBool:
      return *std::get<bool*>(ref);
    case ValueKind::kCount:
      return *std::get<uint64_t*>(ref);
    case ValueKind::kList:
      return *std::get<std::vector<std::string>*>(ref);
    default: {
      std::string text = ValueAsText(key, config);
      if (key.optional && text.empty()) return nullptr;
      return key.kind == ValueKind::kUrl ? RedactUrl(text) : text;
    }
  }
}

}  // namespace

std::string FormatConfigText(const Config& config) {
  std::string out;
  for (const ConfigKey* row : KeysByLabelLine()) {
    const ConfigKey& key = *row;
    std::string value = ValueAsText(key, config);
    if (key.kind == ValueKind::kUrl) value = RedactUrl(value);
    if (key.optional && key.kind != ValueKind::kText) value = DebugQuote(value);
    if (key.FullName() == "daemon.unit") value = EffectiveUnit(config);
    std::string line(key.label.text);
    line.resize(std::max<size_t>(line.size() + 1, 35), ' ');
    out += line + value + "\n";
  }
  std::string line = "resolved upstream:";
  line.resize(35, ' ');
  return out + line + DescribeUpstream(config) + "\n";
}

Json ConfigToJson(const Config& config) {
  Json out = Json::object();
  for (const ConfigKey& key : AllConfigKeys()) {
    out[std::string(key.section)][std::string(key.name)] = KeyToJson(key, config);
  }
  out["upstream"] = UpstreamToJson(config);
  return out;
}

}  // namespace nymvisor
